import Testing
@testable import Tensor

@Suite("Autograd")
struct AutogradTests {
    @Test("gradients of a small expression match the hand-derived formula")
    func smallExpression() {
        // L = Σ (a·b + a)  →  ∂L/∂a = b + 1,  ∂L/∂b = a
        let a = Tensor([1, 2, 3], requiresGrad: true)
        let b = Tensor([4, 5, 6], requiresGrad: true)
        let loss = (a * b + a).sum()
        #expect(loss.item() == 4 + 10 + 18 + 6)
        loss.backward()
        #expect(a.grad?.scalars == [5, 6, 7])
        #expect(b.grad?.scalars == [1, 2, 3])
    }

    @Test("gradients accumulate across backward calls until zeroGrad")
    func accumulation() {
        let w = Tensor([2], requiresGrad: true)
        (w * 3).sum().backward()
        (w * 3).sum().backward()
        #expect(w.grad?.scalars == [6])
        w.zeroGrad()
        #expect(w.grad == nil)
    }

    @Test("a tensor used twice gets the sum of both uses")
    func diamond() {
        let x = Tensor([3], requiresGrad: true)
        let y = x * x + x  // dy/dx = 2x + 1
        y.sum().backward()
        #expect(x.grad?.scalars == [7])
    }

    @Test("leaf grads never share a buffer, even when backward passes one tensor to both inputs")
    func gradsDoNotAlias() {
        let a = Tensor([1, 2], requiresGrad: true), b = Tensor([3, 4], requiresGrad: true)
        (a + b).sum().backward()
        a.grad!.withUnsafeMutableBufferPointer { $0[0] = 100 }
        #expect(b.grad?.scalars == [1, 1])
    }

    @Test("noGrad records nothing")
    func noGradScope() {
        let w = Tensor([1, 2], requiresGrad: true)
        let y = noGrad { w * 2 }
        #expect(!y.requiresGrad)
        #expect(y.isLeaf)
        #expect(GradMode.isEnabled)
    }

    @Test("matmul with transposes and broadcasting over batch")
    func matmulShapes() {
        let a = Tensor.randn([2, 3, 4], seed: 1)
        let b = Tensor.randn([5, 4], seed: 2)
        let c = matmul(a, b, transposeB: true)
        #expect(c.shape == [2, 3, 5])
        let ref = matmul(a, b.transposed().copy())
        for (x, y) in zip(c.scalars, ref.scalars) { #expect(abs(x - y) < 1e-5) }
    }
}
