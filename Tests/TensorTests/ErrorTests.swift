import Testing
@testable import Tensor

@Suite("Bad input")
struct ErrorTests {
    @Test("checkFinite names the tensor, shape and first bad element")
    func nonFinite() throws {
        let loss = Tensor([1, .nan, .infinity], shape: [3])
        #expect(throws: TensorError.self) { try loss.checkFinite("loss") }
        do {
            try loss.checkFinite("loss")
        } catch {
            #expect("\(error)".contains("loss [3] has a non-finite value nan at flat index 1"))
        }
        try Tensor([1, 2]).checkFinite()
    }

    @Test("a shape mismatch stops with the op and both shapes")
    func shapeMismatch() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]) + Tensor.zeros([4])
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("add: shapes [2, 3] and [4] cannot be broadcast"))
        }
    }

    @Test("matmul inner dimensions and bad axes are reported")
    func matmulMismatch() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor.zeros([2, 3]), Tensor.zeros([4, 5]))
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("matmul([2, 3], [4, 5]): inner dimensions 3 and 4 differ"))
        }
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).sum(axes: [2])
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("sum: axis 2 out of range for shape [2, 3]"))
        }
    }
}
