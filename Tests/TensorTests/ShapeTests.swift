import Testing
@testable import Tensor

@Suite("Shape ops")
struct ShapeTests {
    let x = Tensor((0..<24).map(Float.init), shape: [2, 3, 4])

    @Test("reshape shares storage and infers -1")
    func reshape() {
        let y = x.reshaped([4, -1])
        #expect(y.shape == [4, 6])
        #expect(y.scalars == x.scalars)
        #expect(x.unsqueezed(1).shape == [2, 1, 3, 4])
        #expect(x.unsqueezed(-1).shape == [2, 3, 4, 1])
        #expect(x.unsqueezed(0).squeezed(0).shape == [2, 3, 4])
    }

    @Test("permute moves axes like torch.permute")
    func permute() {
        let y = x.permuted([2, 0, 1])
        #expect(y.shape == [4, 2, 3])
        // y[k, i, j] = x[i, j, k] = 12i + 4j + k
        #expect(y.scalars[0..<6] == [0, 4, 8, 12, 16, 20])
        let t = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]).transposed()
        #expect(t.scalars == [1, 4, 2, 5, 3, 6])
    }

    @Test("a large 2-D transpose (blocked path) is exact")
    func bigTranspose() {
        let a = randn([67, 131], seed: 1)
        let t = a.transposed()
        for i in [0, 5, 66] { for j in [0, 64, 130] { #expect(t.scalars[j * 67 + i] == a.scalars[i * 131 + j]) } }
    }

    @Test("gradients")
    func gradients() {
        let t = randn([2, 3, 5], seed: 2)
        expectGradients([t]) { $0[0].reshaped([5, 6]) * Tensor.randn([5, 6], seed: 9) }
        expectGradients([t]) { $0[0].permuted([1, 2, 0]) * Tensor.randn([3, 5, 2], seed: 9) }
        expectGradients([t]) { $0[0].transposed(0, 2) * Tensor.randn([5, 3, 2], seed: 9) }
        expectGradients([randn([2, 3, 4, 5], seed: 3)]) { $0[0].transposed(1, 2) }
    }
}
