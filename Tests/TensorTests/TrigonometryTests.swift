import Foundation
import Testing
@testable import Tensor

@Suite("cos and sin")
struct TrigonometryTests {
    @Test("values match Foundation over several turns; gradients match finite differences")
    func cosSin() {
        let x = Tensor((0..<41).map { Float($0) * 0.5 - 10 })
        expectClose(x.cos().scalars, x.scalars.map { Foundation.cos($0) }, tolerance: 1e-6)
        expectClose(x.sin().scalars, x.scalars.map { Foundation.sin($0) }, tolerance: 1e-6)
        expectGradients([randn([3, 5], seed: 8, scale: 3)]) { $0[0].cos() }
        expectGradients([randn([3, 5], seed: 9, scale: 3)]) { $0[0].sin() }
    }
}
