import Foundation
@testable import Config

/// A small schema in the shape of an experiment file, used by the tests of this target.
let exampleSchema = Section([
    Field("name", .string, default: nil, "Experiment name."),
    Field("seed", .int(0...Int(Int32.max)), default: .int(0), "Random seed."),
    .section("model", Section("The model.", [
        .section("fusion", Section("How text and audio meet.", [
            Field("kind", .choice(["attention_pool", "cross_attention", "concat", "film"]),
                  default: .string("cross_attention"), "Fusion variant."),
            Field("heads", .int(1...64), default: .int(4), "Attention heads."),
        ])),
        Field("dropout", .double(0...0.9), default: .double(0.1), "Dropout probability."),
    ])),
    .section("train", Section("Training.", [
        Field("lr", .double(1e-7...10), default: .double(1e-3), "Learning rate."),
        Field("steps", .int(1...Int.max), default: .int(1000), "Optimizer steps."),
        Field("amp", .bool, default: .bool(false), "Unused flag for tests."),
    ])),
    Field("reference", .path, default: .null, "A reference wav."),
    Field("cells", .list(.tagged(tag: "kind", variants: [
        ("markdown", Section([Field("text", .string, default: nil, "Markdown.")])),
        ("train", Section([Field("steps", .int(1...Int.max), default: .null, "Override.")])),
    ])), default: .list([]), "Notebook cells."),
])

/// Writes files into a fresh temporary folder and returns its path.
func temporaryFolder(_ files: [String: String]) throws -> String {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("funaudio-config-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (name, text) in files {
        try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    return folder.path
}

/// The issues a YAML text raises against the example schema ("" when it is valid).
func problems(_ yaml: String, file: String = "x.yaml") -> [String] {
    do {
        _ = try exampleSchema.resolve(SourcedNode.parse(yaml, file: file))
        return []
    } catch {
        return error.issues.map(\.description)
    }
}
