import Testing
@testable import Config

@Suite struct Overrides {
    @Test func extendsMergesSectionsAndReportsTheRightFile() throws {
        let folder = try temporaryFolder([
            "base.yaml": "name: base\ntrain:\n  lr: 0.01\n  steps: 50\n",
            "child.yaml": "extends: base.yaml\nname: child\ntrain:\n  steps: 7\n",
            "bad.yaml": "extends: base.yaml\ntrain:\n  stepz: 1\n",
        ])
        let child = try exampleSchema.resolve(SourcedNode.loadResolvingExtends(folder + "/child.yaml"))
        #expect(child["name"] == .string("child"))
        #expect(child["train.steps"] == .int(7))
        #expect(child["train.lr"] == .double(0.01))
        #expect(throws: ConfigError.self) {
            try exampleSchema.resolve(SourcedNode.loadResolvingExtends(folder + "/bad.yaml"))
        }
        do {
            _ = try exampleSchema.resolve(SourcedNode.loadResolvingExtends(folder + "/bad.yaml"))
        } catch {
            #expect(error.description == "\(folder)/bad.yaml:3:3: train.stepz: unknown key; did you mean 'steps'?")
        }
    }

    @Test func extendsCycleIsAnError() throws {
        let folder = try temporaryFolder(["a.yaml": "extends: b.yaml\n", "b.yaml": "extends: a.yaml\n"])
        #expect(throws: ConfigError.self) { try SourcedNode.loadResolvingExtends(folder + "/a.yaml") }
    }

    @Test func setOverridesAreTypedLikeTheFile() throws {
        var node = try SourcedNode.parse("name: d\n", file: "x.yaml")
        for argument in ["model.fusion.kind=film", "train.lr=3e-4", "cells=[{kind: train, steps: 2}]"] {
            node = try Override(parsing: argument).apply(to: node, schema: exampleSchema)
        }
        let value = try exampleSchema.resolve(node)
        #expect(value["model.fusion.kind"] == .string("film"))
        #expect(value["train.lr"] == .double(3e-4))
        #expect(value["cells.0.steps"] == .int(2))
    }

    @Test func badSetArgumentsAreExplained() throws {
        let node = try SourcedNode.parse("name: d\n", file: "x.yaml")
        #expect(throws: ConfigError.self) { try Override(parsing: "model.fusion.kind") }
        do {
            _ = try Override(parsing: "model.fusoin.kind=film").apply(to: node, schema: exampleSchema)
            Issue.record("an unknown key must be refused")
        } catch {
            #expect(error.description == "--set model.fusoin.kind=film: model.fusoin.kind: unknown key; did you mean 'model.fusion.kind'?")
        }
        let wrongType = try Override(parsing: "train.steps=lots").apply(to: node, schema: exampleSchema)
        #expect(throws: ConfigError.self) { try exampleSchema.resolve(wrongType) }
    }
}

@Suite struct OverridesInsideLists {
    @Test func setReachesIntoACellByIndex() throws {
        var node = try SourcedNode.parse("name: d\ncells: [{kind: train, steps: 1}]\n", file: "x.yaml")
        node = try Override(parsing: "cells.0.steps=9").apply(to: node, schema: exampleSchema)
        #expect(try exampleSchema.resolve(node)["cells.0.steps"] == .int(9))
        #expect(throws: ConfigError.self) {
            try Override(parsing: "cells.0.stepz=9").apply(to: node, schema: exampleSchema)
        }
    }
}
