/// Errors and checks for tensor code.
///
/// Two kinds of bad input, two mechanisms:
/// - Programmer errors (shape mismatch, wrong rank, bad axis, index out of range) stop the
///   program through ``tensorCheck(_:_:)`` with a message naming the op and the shapes.
///   Throwing from every arithmetic op would make model code unreadable (`try` on every
///   `+`); like Swift's own array indexing, these are bugs to fix, not conditions to handle.
///   The check uses `fatalError`, not `precondition`, because release builds of the kernels
///   use `-Ounchecked`, which removes `precondition` checks.
/// - Data errors (NaN or Inf in a loss or gradient) are expected at run time and are
///   thrown as ``TensorError`` by ``Tensor/checkFinite(_:)``.
public enum TensorError: Error, CustomStringConvertible, Equatable {
    /// A value is NaN or infinite; `what` names the tensor, `index` is the first bad element.
    case nonFinite(what: String, shape: [Int], index: Int, value: Float)

    public var description: String {
        switch self {
        case let .nonFinite(what, shape, index, value):
            return "\(what) \(shape) has a non-finite value \(value) at flat index \(index); "
                + "lower the learning rate, clip gradients or check the inputs"
        }
    }
}

/// Stops with `message` if `condition` is false; kept in every build configuration.
@inline(__always)
func tensorCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                 file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError("Tensor: " + message(), file: file, line: line) }
}
