import Tensor

// Training losses. Each returns a scalar tensor and throws
// ``TensorError/nonFinite(what:shape:index:value:)`` if the loss is NaN or infinite, so a
// diverging run stops with a message instead of silently training on garbage.
//
// ```
// l1(p, t)  = mean |p − t|                 mse(p, t) = mean (p − t)²
// masked:   Σ m·|p − t| / (Σ m · C)        (p, t: [B, T, C]; m: [B, T], 1 = valid frame)
// crossEntropy(z, y) = mean_i (logsumexp(z_i) − z_i[y_i])     (z: [N, classes])
// binary cross-entropy of logits z against y ∈ [0, 1], in the form that cannot overflow:
//   bce(z, y) = −y·ln σ(z) − (1 − y)·ln(1 − σ(z)) = max(z, 0) − z·y + ln(1 + e^(−|z|))
// ```

/// Mean absolute error.
public func l1Loss(_ prediction: Tensor, _ target: Tensor) throws -> Tensor {
    try checked(difference(prediction, target, "l1Loss").abs().mean(), "l1Loss")
}

/// Mean squared error.
public func mseLoss(_ prediction: Tensor, _ target: Tensor) throws -> Tensor {
    let d = difference(prediction, target, "mseLoss")
    return try checked((d * d).mean(), "mseLoss")
}

/// L1 over the valid frames only: `mask` `[B, T]` is 1 at frames to count, 0 at padding.
public func maskedL1Loss(_ prediction: Tensor, _ target: Tensor, mask: Tensor) throws -> Tensor {
    try masked(difference(prediction, target, "maskedL1Loss").abs(), mask, "maskedL1Loss")
}

/// Mean squared error over the valid frames only (see ``maskedL1Loss(_:_:mask:)``).
public func maskedMSELoss(_ prediction: Tensor, _ target: Tensor, mask: Tensor) throws -> Tensor {
    let d = difference(prediction, target, "maskedMSELoss")
    return try masked(d * d, mask, "maskedMSELoss")
}

/// Binary cross-entropy of `logits` against `targets` (probabilities, usually 0 or 1) over the
/// valid frames only, as PyTorch's `binary_cross_entropy_with_logits` masked like
/// ``maskedL1Loss(_:_:mask:)``. Takes logits, not probabilities, so that a confident wrong
/// answer costs |z| instead of ln 0.
public func maskedBinaryCrossEntropy(logits: Tensor, _ targets: Tensor, mask: Tensor) throws -> Tensor {
    nnCheck(logits.shape == targets.shape,
            "maskedBinaryCrossEntropy: logits \(logits.shape) and targets \(targets.shape) differ")
    let perElement = logits.relu() - logits * targets + ((-logits.abs()).exp() + 1).log()
    return try masked(perElement, mask, "maskedBinaryCrossEntropy")
}

/// Cross-entropy of `logits` `[N, classes]` against class indices `labels` (N of them).
public func crossEntropyLoss(_ logits: Tensor, labels: [Int]) throws -> Tensor {
    nnCheck(logits.rank == 2 && logits.shape[0] == labels.count,
                 "crossEntropyLoss: logits \(logits.shape) should be [\(labels.count), classes]")
    nnCheck(labels.allSatisfy { $0 >= 0 && $0 < logits.shape[1] },
                 "crossEntropyLoss: labels must be in 0..<\(logits.shape[1])")
    let picked = logits.logSoftmax(axis: 1).gather(axis: 1, labels, shape: [labels.count, 1])
    return try checked(-picked.mean(), "crossEntropyLoss")
}

private func difference(_ prediction: Tensor, _ target: Tensor, _ op: String) -> Tensor {
    nnCheck(prediction.shape == target.shape,
                 "\(op): prediction \(prediction.shape) and target \(target.shape) differ")
    return prediction - target
}

private func masked(_ perElement: Tensor, _ mask: Tensor, _ op: String) throws -> Tensor {
    nnCheck(perElement.rank == 3 && mask.shape == Array(perElement.shape.prefix(2)),
                 "\(op): mask \(mask.shape) should be [B, T] for prediction \(perElement.shape)")
    let count = mask.sum().item() * Float(perElement.shape[2])
    nnCheck(count > 0, "\(op): the mask selects no frame")
    return try checked((perElement * mask.unsqueezed(2)).sum() / count, op)
}

private func checked(_ loss: Tensor, _ op: String) throws -> Tensor {
    try loss.checkFinite(op)
    return loss
}
