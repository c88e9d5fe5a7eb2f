import Testing
@testable import Tensor

@Suite("Gradient checker")
struct GradientCheckTests {
    /// `y = 2x` whose backward claims `∂x = 2.2·g`: a 10 % error.
    func wronglyScaled(_ x: Tensor, factor: Float) -> Tensor {
        let out = noGrad { x * 2 }
        return Tensor.record(out, op: "wrong", inputs: [x]) { _, g in [g * factor] }
    }

    @Test("passes a correct backward")
    func passesCorrect() {
        let result = gradientCheck([randn([3, 7], seed: 1)]) { wronglyScaled($0[0], factor: 2) }
        #expect(result.passed, "\(result)")
        #expect(result.maxAbsoluteError < 1e-3)
    }

    @Test("flags a backward that is 10 % off")
    func flagsWrongScale() {
        let result = gradientCheck([randn([3, 7], seed: 1)]) { wronglyScaled($0[0], factor: 2.2) }
        #expect(!result.passed)
        #expect(result.mismatches.count > 10)
        #expect(result.description.contains("failed"))
    }

    @Test("flags a gradient missing from one input")
    func flagsDroppedInput() {
        let result = gradientCheck([randn([4], seed: 2), randn([4], seed: 3)]) { xs in
            let out = noGrad { xs[0] * xs[1] }
            return Tensor.record(out, op: "half", inputs: xs) { _, g in [g * xs[1], nil] }
        }
        #expect(!result.passed)
        #expect(result.mismatches.allSatisfy { $0.input == 1 })
    }
}
