import Foundation
import Testing
import Tensor
@testable import NN

@Suite struct PositionalEncodingTests {
    @Test func followsTheSineCosineFormula() {
        let pe = sinusoidalPositions(length: 50, dimensions: 16)
        #expect(pe.shape == [50, 16])
        let v = pe.scalars
        #expect(v[0] == 0 && v[1] == 1)                                   // t = 0: sin 0, cos 0
        #expect(abs(v[3 * 16 + 4] - Float(sin(3 / pow(10000, 4.0 / 16)))) < 1e-6)
        #expect(abs(v[7 * 16 + 5] - Float(cos(7 / pow(10000, 4.0 / 16)))) < 1e-6)
    }
}
