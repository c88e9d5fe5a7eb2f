// Random tensors draw from the shared seeded generator; re-exported so that code that
// builds tensors can name `SplitMix64` without a second import.
@_exported import Seeded
