import Testing
@testable import NN

@Suite struct ScheduleTests {
    @Test func constant() {
        #expect(ConstantSchedule(0.5)(0) == 0.5 && ConstantSchedule(0.5)(10_000) == 0.5)
    }

    @Test func warmupThenCosine() {
        let s = WarmupCosineSchedule(peak: 1, warmupSteps: 4, totalSteps: 14, minimum: 0.1)
        #expect(s(0) == 0.25 && s(3) == 1)
        #expect(s(4) == 1)
        #expect(abs(s(9) - 0.55) < 1e-6)          // half way: min + (peak - min) / 2
        #expect(abs(s(14) - 0.1) < 1e-6 && abs(s(100) - 0.1) < 1e-6)
        #expect((4..<14).allSatisfy { s($0 + 1) <= s($0) })
    }

    @Test func noamPeaksAtTheEndOfWarmup() {
        let s = NoamSchedule(modelDimensions: 256, warmupSteps: 100)
        let peak = s(99)
        #expect(abs(peak - 1 / (16 * 10)) < 1e-6)   // 256^-0.5 · 100^-0.5
        #expect(s(49) < peak && s(399) < peak)
        #expect(abs(s(399) - peak / 2) < 1e-6)       // inverse square root decay
    }
}
