/// Reverse-mode automatic differentiation over a tape of op records (micrograd-style).
///
/// Each op result that needs a gradient keeps a ``GradFn``: its inputs and a closure that
/// maps `∂L/∂out` to `∂L/∂input` for each input. ``Tensor/backward(_:)`` walks the graph
/// in reverse topological order, so every node's gradient is complete (summed over all
/// its uses) before it is propagated further.
struct GradFn {
    /// Op name, for error messages and debugging.
    let op: String
    let inputs: [Tensor]
    /// `(output, ∂L/∂output) → [∂L/∂input or nil]`, one entry per input.
    let backward: (_ output: Tensor, _ grad: Tensor) -> [Tensor?]
}

/// Whether ops record the graph, per task and thread.
///
/// A `@TaskLocal` value: `noGrad` scopes are safe under Swift 6 concurrency (each task or
/// thread sees its own setting; there is no mutable global).
public enum GradMode {
    @TaskLocal public static var isEnabled = true
}

/// Runs `body` without recording the graph: inference, optimizer updates. Ops inside save
/// no tensors for backward, so memory is freed as soon as each result is dropped.
public func noGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isEnabled.withValue(false, operation: body)
}

/// ``noGrad(_:)`` for async code.
public func noGrad<R>(_ body: () async throws -> R) async rethrows -> R {
    try await GradMode.$isEnabled.withValue(false, operation: body)
}

extension Tensor {
    /// Makes `output` the result of `op` on `inputs`, recording `backward` if grad mode is on
    /// and any input requires a gradient. The closure must not capture `output` (that would
    /// be a reference cycle); it receives it as its first argument.
    @inline(__always)
    static func record(_ output: Tensor, op: String, inputs: [Tensor],
                       backward: @escaping (_ output: Tensor, _ grad: Tensor) -> [Tensor?]) -> Tensor {
        OpProfile.active?.mark(op)
        if GradMode.isEnabled && inputs.contains(where: { $0.requiresGrad }) {
            output.requiresGrad = true
            output.gradFn = GradFn(op: op, inputs: inputs, backward: backward)
        }
        return output
    }

    /// Whether this tensor was recorded as an op result (not a leaf).
    public var isLeaf: Bool { gradFn == nil }

    /// Computes `∂self/∂leaf` for every leaf with ``requiresGrad`` and adds it to its
    /// ``grad`` (gradients accumulate across calls until ``zeroGrad()``).
    ///
    /// - Parameter seed: `∂L/∂self`; defaults to 1 for a one-element tensor.
    /// - Parameter retainGraph: keep the op records so backward can run again; by default
    ///   they are released, freeing the saved activations.
    /// - Parameter leafDone: called with each leaf as soon as its gradient of this pass is
    ///   complete: leaves are reached in reverse topological order, after every op that used
    ///   them. Data-parallel training starts a gradient bucket's allreduce from here while
    ///   backward goes on (PyTorch DDP's autograd hooks).
    public func backward(_ seed: Tensor? = nil, retainGraph: Bool = false, leafDone: ((Tensor) -> Void)? = nil) {
        tensorCheck(requiresGrad, "backward: tensor \(shape) does not require grad "
                    + "(no input had requiresGrad, or it was computed inside noGrad)")
        let seed = seed ?? {
            tensorCheck(count == 1, "backward: implicit seed needs one element, shape is \(shape)")
            return Tensor.ones(shape)
        }()
        tensorCheck(seed.shape == shape, "backward: seed shape \(seed.shape) != tensor shape \(shape)")
        let order = topologicalOrder()
        let profile = OpProfile.active
        profile?.mark("backward graph")
        var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed]
        // The ops a gradient is made of are charged to that gradient, not profiled on their own.
        OpProfile.$active.withValue(nil) { noGrad {
            for node in order.reversed() {
                guard var grad = grads.removeValue(forKey: ObjectIdentifier(node)) else { continue }
                guard let fn = node.gradFn else {
                    node.accumulateGrad(&grad)
                    profile?.mark("accumulate grad")
                    leafDone?(node)
                    continue
                }
                defer { profile?.mark(fn.op + " backward") }
                let inputGrads = fn.backward(node, grad)
                for (input, g) in zip(fn.inputs, inputGrads) {
                    guard input.requiresGrad, let g else { continue }
                    tensorCheck(g.shape == input.shape, "backward of \(fn.op): gradient shape "
                                + "\(g.shape) != input shape \(input.shape)")
                    let key = ObjectIdentifier(input)
                    if var existing = grads.removeValue(forKey: key) {
                        // Add in place when no other tensor can see the buffer.
                        if Tensor.uniquelyOwned(&existing) { existing.addInPlace(g) } else { existing = existing + g }
                        grads[key] = existing
                    } else {
                        grads[key] = g
                    }
                }
                if !retainGraph { node.gradFn = nil }
            }
        } }
    }

    /// Adds `g` into ``grad``. On first use `g` becomes the grad if nothing else refers to
    /// it or its buffer, else a copy does (so a grad never aliases another tensor).
    func accumulateGrad(_ g: inout Tensor) {
        if let grad { grad.addInPlace(g) } else { grad = Tensor.uniquelyOwned(&g) ? g : g.copy() }
    }

    /// Whether `self` (held in the caller's variable) and its storage have no other owner.
    /// Called on a local variable: that variable is the one reference allowed.
    static func uniquelyOwned(_ t: inout Tensor) -> Bool {
        isKnownUniquelyReferenced(&t) && isKnownUniquelyReferenced(&t.storage) && t.gradFn == nil
    }

    /// Clears ``grad`` (the next backward starts from zero).
    public func zeroGrad() { grad = nil }

    /// Nodes reachable from `self` that require grad, inputs before the ops using them.
    private func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited: Set<ObjectIdentifier> = []
        // Iterative depth-first search: deep graphs (long sequences) must not overflow the stack.
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for input in node.gradFn?.inputs ?? [] where input.requiresGrad
                && !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        return order
    }
}
