import Testing
@testable import Tensor

@Suite("Index ops")
struct IndexingTests {
    let table = Tensor((0..<12).map(Float.init), shape: [4, 3])

    @Test("embedding lookup picks rows, repeats allowed")
    func embedding() {
        let e = table.embedding([3, 0, 3, 1], shape: [2, 2])
        #expect(e.shape == [2, 2, 3])
        #expect(e.scalars == [9, 10, 11, 0, 1, 2, 9, 10, 11, 3, 4, 5])
        #expect(table.indexSelect(axis: 1, [2, 0]).scalars == [2, 0, 5, 3, 8, 6, 11, 9])
    }

    @Test("repeat-interleave with per-item counts (length regulation)")
    func repeatInterleave() {
        let x = Tensor([1, 2, 3])
        #expect(x.repeatInterleave([2, 0, 3], axis: 0).scalars == [1, 1, 3, 3, 3])
        // Batch of 2 sequences of 2 tokens with 1 feature: totals 3 and 1, padded to 3.
        let seqs = Tensor([1, 2, 3, 4], shape: [2, 2, 1])
        let y = seqs.repeatInterleave(batchCounts: [[1, 2], [0, 1]])
        #expect(y.shape == [2, 3, 1])
        #expect(y.scalars == [1, 2, 2, 4, 0, 0])
        #expect(seqs.repeatInterleave(batchCounts: [[1, 1], [1, 1]], length: 4).shape == [2, 4, 1])
    }

    @Test("gather takes values along an axis")
    func gather() {
        let y = table.gather(axis: 1, [2, 0, 1, 1], shape: [4, 1])
        #expect(y.scalars == [2, 3, 7, 10])
    }

    @Test("where and masked-fill broadcast the condition")
    func whereValues() {
        let c = Tensor([1, 0, 1], shape: [1, 3])
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect(Tensor.where(c, a, Tensor(scalar: -1)).scalars == [1, -1, 3, 4, -1, 6])
        #expect(a.maskedFill(c, 0).scalars == [0, 2, 0, 0, 5, 0])
    }

    @Test("gradients")
    func gradients() {
        let t = randn([5, 3], seed: 1)
        expectGradients([t]) { $0[0].embedding([4, 0, 4, 2, 1, 1, 0], shape: [7]) }
        expectGradients([randn([2, 3, 2], seed: 2)]) { $0[0].indexSelect(axis: 1, [2, 2, 0]) }
        expectGradients([randn([2, 3, 2], seed: 3)]) { $0[0].repeatInterleave([1, 0, 3], axis: 1) }
        expectGradients([randn([2, 3, 2], seed: 4)]) { $0[0].repeatInterleave(batchCounts: [[2, 1, 1], [0, 3, 0]], length: 5) }
        expectGradients([randn([3, 4], seed: 5)]) { $0[0].gather(axis: 0, [2, 0, 1, 2, 0, 0, 1, 2], shape: [2, 4]) }
        let c = Tensor([1, 0, 0, 1, 1, 0, 1], shape: [7])
        expectGradients([randn([3, 7], seed: 6), randn([7], seed: 7)]) { Tensor.where(c, $0[0], $0[1]) }
        expectGradients([randn([3, 7], seed: 8)]) { $0[0].maskedFill(c, 2) }
        let padding = Tensor([0, 0, 1, 0, 1, 1], shape: [2, 1, 3])
        expectGradients([randn([2, 4, 3], seed: 9)]) { $0[0].maskedFill(padding, -1e4) }
    }

    @Test("masked-fill equals where, with a mask broadcast over a middle axis")
    func maskedFillBroadcastsLikeWhere() {
        let x = randn([2, 4, 3], seed: 10)
        let padding = Tensor([0, 0, 1, 0, 1, 1], shape: [2, 1, 3])
        let filled = x.maskedFill(padding, -.infinity)
        #expect(filled.scalars == Tensor.where(padding, Tensor(scalar: -.infinity), x).scalars)
        #expect(filled.scalars.filter { $0 == -.infinity }.count == 4 * 3)
    }
}
