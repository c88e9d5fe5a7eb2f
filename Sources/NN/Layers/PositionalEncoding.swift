import Foundation
import Tensor

/// The sinusoidal position table of Vaswani et al. (2017), `[length, dimensions]`:
///
/// ```
/// pe[t, 2i]     = sin(t / 10000^(2i/d))
/// pe[t, 2i + 1] = cos(t / 10000^(2i/d))
/// ```
/// Computed in Double and rounded once; not a parameter (no gradient).
public func sinusoidalPositions(length: Int, dimensions d: Int) -> Tensor {
    nnCheck(d % 2 == 0, "sinusoidalPositions: dimensions \(d) must be even")
    var values = [Float](repeating: 0, count: length * d)
    for i in 0..<(d / 2) {
        let frequency = pow(10000.0, -Double(2 * i) / Double(d))
        for t in 0..<length {
            values[t * d + 2 * i] = Float(sin(Double(t) * frequency))
            values[t * d + 2 * i + 1] = Float(cos(Double(t) * frequency))
        }
    }
    return Tensor(values, shape: [length, d])
}
