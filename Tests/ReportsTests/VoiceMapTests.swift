import Foundation
import Testing
@testable import Reports

/// The voice map's PCA against numpy (scripts/fixtures/make_pca_fixture.py) and its picture.
@Suite struct VoiceMapTests {
    struct Reference: Decodable {
        let points: [[Float]], mean: [Double], components: [[Double]], variances: [Double], projections: [[Double]]
    }

    @Test func principalComponentsMatchNumpy() throws {
        let reference = try JSONDecoder().decode(Reference.self, from: SampleRuns.fixture("pca.json"))
        let pca = try PrincipalComponents(reference.points, count: 2)
        for (a, b) in zip(pca.mean, reference.mean) { #expect(abs(a - b) < 1e-5) }
        for (mine, theirs) in zip(pca.components, reference.components) {
            for (a, b) in zip(mine, theirs) { #expect(abs(a - b) < 1e-5, "component \(mine) vs numpy \(theirs)") }
        }
        for (a, b) in zip(pca.variances, reference.variances) { #expect(abs(a - b) / b < 1e-6) }
        for (point, expected) in zip(reference.points, reference.projections) {
            let projected = pca.project(point)
            #expect(abs(projected[0] - expected[0]) < 1e-4 && abs(projected[1] - expected[1]) < 1e-4)
        }
    }

    @Test func badPointsAreRefused() {
        #expect(throws: ReportError.self) { try PrincipalComponents([[1, 2]]) }
        #expect(throws: ReportError.self) { try PrincipalComponents([[1, 2], [3]]) }
        #expect(throws: ReportError.self) { try PrincipalComponents([[1], [2]], count: 2) }
    }

    /// Two speakers far apart along the first axis (x), spread alike along the second (y):
    /// the seen one's discs on the left edge, the held-out one's rings (hollow) on the right,
    /// where the PCA's sign rule (largest entry positive) puts them.
    @Test func seenVoicesAreDiscsAndHeldOutOnesRings() throws {
        var points: [VoiceMap.Point] = []
        for k in 0..<4 {
            points.append(.init(speaker: "a", heldOut: false, embedding: [-5, Float(k), 0]))
            points.append(.init(speaker: "b", heldOut: true, embedding: [5, Float(k), 0]))
        }
        let map = try VoiceMap(points)
        #expect(map.speakers == ["a", "b"])
        #expect(map.legend.contains("1. `a`\n2. `b` (held out: ring)"))
        let image = try map.image()
        #expect(image.width == map.size && image.height == map.size)
        let (left, right) = (VoiceMap.margin, map.size - VoiceMap.margin)
        let lowest = map.size - VoiceMap.margin     // y = 0, the smallest second coordinate
        #expect(image[left, lowest] == VoiceMap.palette[0], "a seen voice is a filled disc")
        #expect(image[right, lowest] == (255, 255, 255), "a held-out voice is a ring")
        #expect(image[right + VoiceMap.radius - 1, lowest] == VoiceMap.palette[1])
        #expect(image[right - VoiceMap.radius + 1, lowest] == VoiceMap.palette[1])
    }
}
