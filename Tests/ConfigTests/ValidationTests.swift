import Testing
@testable import Config

@Suite struct Validation {
    @Test func defaultsFillWhatTheFileLeavesOut() throws {
        let value = try exampleSchema.resolve(SourcedNode.parse("name: demo\n", file: "x.yaml"))
        #expect(value["model.fusion.kind"] == .string("cross_attention"))
        #expect(value["train.lr"] == .double(1e-3))
        #expect(value["seed"] == .int(0))
        #expect(value["cells"] == .list([]))
        #expect(value["reference"] == .null)
    }

    @Test func unknownKeyNamesFileLineAndClosestKey() {
        let issues = problems("name: demo\nmodel:\n  fusion:\n    kidn: film\n")
        #expect(issues == ["x.yaml:4:5: model.fusion.kidn: unknown key; did you mean 'kind'?"])
    }

    @Test func wrongTypeAndOutOfRangeAreReportedTogether() {
        let issues = problems("""
            name: demo
            seed: many
            train:
              lr: 20
              amp: "true"
            model:
              fusion: {kind: flim}
            """)
        #expect(issues == [
            "x.yaml:2:7: seed: expected integer in 0…2147483647, found 'many'",
            "x.yaml:7:18: model.fusion.kind: 'flim' is not one of attention_pool, cross_attention, concat, film; did you mean 'film'?",
            "x.yaml:4:7: train.lr: 20 is out of range; expected number in 1e-07…10",
            "x.yaml:5:8: train.amp: expected true or false, found 'true'",
        ])
    }

    @Test func quotedNumbersAreText() {
        #expect(problems("name: demo\nseed: '3'\n") == ["x.yaml:2:7: seed: expected integer in 0…2147483647, found '3'"])
        #expect(problems("name: 12\n").isEmpty)
    }

    @Test func missingRequiredKey() {
        #expect(problems("seed: 1\n") == ["x.yaml:1:1: name: missing required key (text): Experiment name."])
    }

    @Test func malformedYamlPointsAtTheLine() {
        let issues = problems("name: demo\nmodel: [unclosed\n")
        #expect(issues.count == 1)
        #expect(issues[0].hasPrefix("x.yaml:3:") || issues[0].hasPrefix("x.yaml:2:"))
        #expect(issues[0].contains("malformed YAML"))
    }

    @Test func duplicateKeysAreRefused() {
        #expect(problems("name: a\nname: b\n").first?.contains("duplicate key 'name'") == true)
    }

    @Test func cellsAreCheckedByKind() throws {
        let yaml = """
            name: demo
            cells:
              - kind: markdown
                text: "# Hello"
              - kind: train
                stpes: 3
              - kind: evaluate
            """
        #expect(problems(yaml) == [
            "x.yaml:6:5: cells.1.stpes: unknown key; did you mean 'steps'?",
            "x.yaml:7:11: cells.2.kind: 'evaluate' is not one of markdown, train",
        ])
        let ok = try exampleSchema.resolve(SourcedNode.parse("name: d\ncells: [{kind: train, steps: 5}]\n", file: "x.yaml"))
        #expect(ok["cells.0.steps"] == .int(5))
        #expect(ok["cells.0.kind"] == .string("train"))
    }

    @Test func missingFileIsNamed() throws {
        let folder = try temporaryFolder(["ref.wav": "RIFF"])
        #expect(problems("name: d\nreference: ref.wav\n", file: folder + "/x.yaml").isEmpty)
        let issues = problems("name: d\nreference: nope.wav\n", file: folder + "/x.yaml")
        #expect(issues.count == 1 && issues[0].contains("reference: file 'nope.wav' does not exist"))
    }

    @Test func flattenedAndCanonicalFormsAreOrderIndependent() throws {
        let a = try exampleSchema.resolve(SourcedNode.parse("name: d\ntrain: {lr: 0.01, steps: 5}\n", file: "a"))
        let b = try exampleSchema.resolve(SourcedNode.parse("train: {steps: 5, lr: 0.01}\nname: d\n", file: "b"))
        #expect(a.canonicalJSON == b.canonicalJSON)
        let keys = a.flattened().map(\.key)
        #expect(keys.contains("model.fusion.kind") && keys.contains("train.lr"))
        #expect(keys == keys.sorted())
    }
}
