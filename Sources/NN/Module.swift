import Foundation
import Tensor

/// A layer or model: a class whose stored properties are its parameters (`Tensor`,
/// `Tensor?`, `[Tensor]`) and sub-modules (`Module`, `Module?`, `[Module]`).
///
/// Parameter names follow PyTorch's state-dict convention: the path of property keys from
/// the root, joined with dots, list items numbered (`encoder.0.self_attn.in_proj_weight`).
/// A property's key is its name, or the name given with ``Key`` where PyTorch's differs:
///
/// ```swift
/// final class Block: Module {
///     @Key("self_attn") var selfAttention: MultiHeadAttention   // key "self_attn"
///     var norm1: LayerNorm                                        // key "norm1"
/// }
/// ```
///
/// Properties of other types (configuration, caches) are ignored. Parameters are found by
/// reflection once per call of ``namedParameters()``; optimizers keep the list.
///
/// See Also: ``StateDict``, ``Optimizer``.
open class Module {
    /// Training mode (dropout active) or evaluation mode; set with ``train(_:)``.
    public private(set) var training = true

    public init() {}

    /// Applies `body` to every module in the tree (this one first).
    public func visitModules(_ body: (Module) -> Void) {
        body(self)
        for (_, child) in namedChildren() { child.visitModules(body) }
    }

    /// Switches this module and all its descendants to training (`true`) or evaluation.
    public func train(_ on: Bool = true) {
        visitModules { $0.training = on }
    }

    /// Evaluation mode: ``train(_:)`` with `false`.
    public func eval() { train(false) }

    /// Every parameter with its dotted name, in declaration order (depth first).
    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        var out: [(String, Tensor)] = []
        collect(prefix: "", into: &out)
        return out
    }

    /// The parameters without names.
    public func parameters() -> [Tensor] { namedParameters().map(\.tensor) }

    /// Total number of scalar parameters.
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

    /// Clears every parameter's gradient.
    public func zeroGrad() {
        for p in parameters() { p.zeroGrad() }
    }

    /// Direct sub-modules with their keys (list items as `key.i`).
    func namedChildren() -> [(String, Module)] {
        var out: [(String, Module)] = []
        for (key, value) in properties() {
            if let module = value as? Module {
                out.append((key, module))
            } else if let list = value as? [Module] {
                for (i, module) in list.enumerated() { out.append(("\(key).\(i)", module)) }
            }
        }
        return out
    }

    private func collect(prefix: String, into out: inout [(String, Tensor)]) {
        for (key, value) in properties() {
            if let tensor = value as? Tensor {
                out.append((prefix + key, tensor))
            } else if let list = value as? [Tensor] {
                for (i, tensor) in list.enumerated() { out.append(("\(prefix)\(key).\(i)", tensor)) }
            } else if let module = value as? Module {
                module.collect(prefix: prefix + key + ".", into: &out)
            } else if let list = value as? [Module] {
                for (i, module) in list.enumerated() {
                    module.collect(prefix: "\(prefix)\(key).\(i).", into: &out)
                }
            }
        }
    }

    /// Stored properties of the whole class hierarchy (base classes first) as (key, value),
    /// `nil` optionals dropped and ``Key`` wrappers resolved.
    private func properties() -> [(String, Any)] {
        var mirrors: [Mirror] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        while let m = mirror, m.subjectType != Module.self {
            mirrors.append(m)
            mirror = m.superclassMirror
        }
        var out: [(String, Any)] = []
        for m in mirrors.reversed() {
            for child in m.children {
                guard let label = child.label else { continue }
                if let keyed = child.value as? any KeyedProperty {
                    if let value = keyed.unwrappedValue { out.append((keyed.key, value)) }
                } else if let value = unwrapOptional(child.value) {
                    out.append((label, value))
                }
            }
        }
        return out
    }
}

/// A property wrapper giving a parameter or sub-module the state-dict key `key` instead of
/// its Swift name (like mlx-swift's `@ModuleInfo(key:)`). Declare it without a value and set
/// it in the initialiser through the wrapper:
///
/// ```swift
/// @Key("self_attn") var selfAttention: MultiHeadAttention
/// init() { _selfAttention.wrappedValue = MultiHeadAttention(...) }
/// ```
@propertyWrapper
public struct Key<Value> {
    fileprivate var value: Value?
    public let key: String

    public init(_ key: String) { self.key = key }

    public init(wrappedValue: Value, _ key: String) {
        self.value = wrappedValue
        self.key = key
    }

    public var wrappedValue: Value {
        get {
            guard let value else { fatalError("Module property '\(key)' read before it was set") }
            return value
        }
        set { value = newValue }
    }
}

protocol KeyedProperty {
    var key: String { get }
    var unwrappedValue: Any? { get }
}

extension Key: KeyedProperty {
    var unwrappedValue: Any? { value.flatMap(unwrapOptional) }
}

/// `value` itself, or the payload of a non-nil Optional, or nil for `Optional.none`.
private func unwrapOptional(_ value: Any) -> Any? {
    let mirror = Mirror(reflecting: value)
    guard mirror.displayStyle == .optional else { return value }
    return mirror.children.first.map { unwrapOptional($0.value) } ?? nil
}
