/// Stops with `message` if `condition` is false, in every build configuration.
///
/// Shape and configuration mistakes in model code are programmer errors, reported like
/// Tensor's own checks: with the layer and the shapes. `precondition` would not do: NN and
/// Benchmarks compile with `-Ounchecked` in release builds, which removes it.
@inline(__always)
public func nnCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                    file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError("NN: " + message(), file: file, line: line) }
}
