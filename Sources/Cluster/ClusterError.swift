import Foundation

/// What can go wrong talking to Slurm, each saying what to do.
public struct ClusterError: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) { self.description = description }

    /// A Slurm command that is not on PATH.
    static func missing(_ tool: String) -> ClusterError {
        ClusterError("\(tool) not found on PATH: --slurm needs Slurm's client commands (sbatch, squeue) on this "
            + "host. On a cluster, run funaudio on a login node; to try it on one machine, "
            + "scripts/install-deps and scripts/slurm-cluster start (see docs/cluster.md)")
    }
}
