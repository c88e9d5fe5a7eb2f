import Dispatch
import Tensor
import Testing

@Suite struct OpProfileTests {
    /// Every forward op and every gradient is an entry once; the ops a gradient is made of are
    /// not entries of their own; the entries add up to the time measured, and nothing is
    /// charged outside `measure`.
    @Test func chargesEachOpAndGradientOnce() throws {
        let a = Tensor.randn([64, 64], std: 1, seed: 1), b = Tensor.randn([64, 64], std: 1, seed: 2)
        a.requiresGrad = true; b.requiresGrad = true
        let profile = OpProfile()
        _ = (a * b).sum()                                   // before measure: not charged
        let start = DispatchTime.now().uptimeNanoseconds
        profile.measure {
            let loss = matmul(a * b, b).sum()
            loss.backward()
            profile.mark("after backward")
        }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let calls = profile.entries.mapValues(\.calls)
        // `mul backward` multiplies, `matmul backward` multiplies matrices: still one call each.
        for (entry, count) in ["mul": 1, "matmul": 1, "sum": 1, "backward graph": 1, "sum backward": 1,
                               "matmul backward": 1, "mul backward": 1, "accumulate grad": 2, "after backward": 1] {
            #expect(calls[entry] == count, "\(entry): \(calls)")
        }
        #expect(profile.totalSeconds > 0 && profile.totalSeconds <= wall)
    }

    /// Ops under `noGrad` (inference) are charged too.
    @Test func chargesOpsWithoutGradients() {
        let profile = OpProfile()
        profile.measure { _ = noGrad { (Tensor.ones([4]) + Tensor.ones([4])).exp() } }
        #expect(profile.entries.keys.sorted() == ["add", "exp"])
    }
}
