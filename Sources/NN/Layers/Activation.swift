import Tensor

/// Pointwise non-linearities, chosen by configuration (e.g. a Transformer's feed-forward):
///
/// ```
/// relu(x) = max(x, 0)
/// gelu(x) = x · Φ(x)                                   (erf form, PyTorch's default)
/// geluTanh(x) = x/2 · (1 + tanh(√(2/π) · (x + 0.044715 x³)))
/// tanh(x)
/// ```
public enum Activation: String, Sendable, CaseIterable, Codable {
    case relu, gelu, geluTanh, tanh

    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .relu: x.relu()
        case .gelu: x.gelu()
        case .geluTanh: x.geluTanh()
        case .tanh: x.tanh()
        }
    }
}
