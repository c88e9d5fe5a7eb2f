import Testing
@testable import Config

/// Typed settings decoded from a resolved configuration.
@Suite struct Decoding {
    struct Settings: Decodable, Equatable {
        enum FusionKind: String, Decodable, CaseIterable { case attentionPool = "attention_pool", crossAttention = "cross_attention", concat, film }
        struct Model: Decodable, Equatable {
            struct Fusion: Decodable, Equatable { var kind: FusionKind; var heads: Int }
            var fusion: Fusion
            var dropout: Double
        }
        struct Train: Decodable, Equatable { var lr: Double; var steps: Int; var amp: Bool }
        var name: String
        var seed: Int
        var model: Model
        var train: Train
        var reference: String?
    }

    @Test func aResolvedConfigurationDecodesIntoItsTypes() throws {
        let node = try SourcedNode.parse("name: x\nmodel: {fusion: {kind: film}}\ntrain: {lr: 1}\n", file: "x.yaml")
        let settings = try exampleSchema.resolve(node).decode(Settings.self)
        #expect(settings == Settings(name: "x", seed: 0, model: .init(fusion: .init(kind: .film, heads: 4), dropout: 0.1),
                                     train: .init(lr: 1, steps: 1000, amp: false), reference: nil))
    }

    @Test func snakeCaseKeysBecomeCamelCaseProperties() throws {
        struct Data: Decodable { var sampleRate: Int; var heldOutSpeakers: Int }
        let data = try ConfigValue.map(["sample_rate": .int(22050), "held_out_speakers": .int(1)]).decode(Data.self)
        #expect(data.sampleRate == 22050 && data.heldOutSpeakers == 1)
    }

    @Test func aTypeThatDoesNotFitNamesTheKey() throws {
        struct Train: Decodable { var lr: Double; var batchSize: Int }
        struct Root: Decodable { var train: Train }
        #expect { try ConfigValue.map(["train": .map(["lr": .double(1e-3)])]).decode(Root.self) } throws: { error in
            "\(error)".contains("'train.batchSize'") && "\(error)".contains("Root")
        }
    }

    @Test func choicesComeFromTheEnum() {
        guard case .choice(let options) = Kind.choice(of: Settings.FusionKind.self) else { Issue.record("not a choice"); return }
        #expect(options == ["attention_pool", "cross_attention", "concat", "film"])
    }
}
