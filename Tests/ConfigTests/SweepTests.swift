import Testing
@testable import Config

@Suite struct Sweeps {
    func sweep(_ yaml: String) throws -> Sweep {
        try Sweep(SourcedNode.parse(yaml, file: "s.yaml"), schema: exampleSchema)
    }

    @Test func gridIsTheCartesianProduct() throws {
        let s = try sweep("grid:\n  model.fusion.kind: [film, concat]\n  train.steps: [1, 2, 3]\n")
        #expect(s.points.count == 6)
        #expect(s.points[0].label == "model.fusion.kind=film, train.steps=1")
        #expect(s.points[5].label == "model.fusion.kind=concat, train.steps=3")
    }

    @Test func randomDrawsAreSeededAndInRange() throws {
        let yaml = "random:\n  count: 20\n  seed: 3\n  params:\n    train.lr: {log_uniform: [1.0e-4, 1.0e-2]}\n    model.fusion.heads: {int: [1, 4]}\n"
        let a = try sweep(yaml), b = try sweep(yaml)
        #expect(a.points.map(\.label) == b.points.map(\.label))
        #expect(a.points.count == 20)
        for point in a.points {
            let lr = Double(point.overrides[0].value.scalarText)!
            let heads = Int(point.overrides[1].value.scalarText)!
            #expect(lr >= 1e-4 && lr <= 1e-2)
            #expect((1...4).contains(heads))
        }
        #expect(Set(a.points.map { $0.overrides[1].value.scalarText }).count == 4)
    }

    @Test func pointsResolveAgainstTheSchema() throws {
        let base = try SourcedNode.parse("name: d\n", file: "x.yaml")
        for point in try sweep("grid:\n  model.fusion.kind: [film, concat]\n").points {
            var node = base
            for o in point.overrides { node = try o.apply(to: node, schema: exampleSchema) }
            #expect(try exampleSchema.resolve(node)["model.fusion.kind"]?.string == point.overrides[0].value.scalarText)
        }
    }

    @Test func unknownSweepKeysAreReported() {
        #expect(throws: ConfigError.self) { try sweep("grid:\n  model.fusion.knd: [film]\n") }
        #expect(throws: ConfigError.self) { try sweep("random:\n  params:\n    train.lr: {gaussian: [0, 1]}\n") }
        #expect(throws: ConfigError.self) { try sweep("grdi:\n  train.lr: [1]\n") }
    }
}
