import Testing
@testable import Ranks

@Suite struct ShardingTests {
    /// The slices tile the batch in order, and their sizes differ by at most one.
    @Test(arguments: [(16, 2), (16, 4), (7, 3), (5, 5), (3, 1)])
    func slicesTileTheBatchInOrder(count: Int, parts: Int) {
        let slices = Sharding.slices(count: count, parts: parts)
        #expect(slices.count == parts)
        #expect(slices.first?.lowerBound == 0 && slices.last?.upperBound == count)
        for (a, b) in zip(slices, slices.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
        let sizes = slices.map(\.count)
        #expect(sizes.max()! - sizes.min()! <= 1 && sizes.min()! >= 1)
    }

    @Test func sevenInThreeParts() {
        #expect(Sharding.slices(count: 7, parts: 3) == [0..<2, 2..<4, 4..<7])
    }

    /// Rank r of N with m micro-batches each computes parts r·m ..< (r+1)·m: one process with
    /// N·m micro-batches computes all of them, in rank order.
    @Test func ranksTakeConsecutiveMicroBatches() {
        #expect(Sharding.microBatches(rank: 0, ranks: 2, perRank: 1) == 0..<1)
        #expect(Sharding.microBatches(rank: 1, ranks: 2, perRank: 1) == 1..<2)
        #expect(Sharding.microBatches(rank: 1, ranks: 3, perRank: 2) == 2..<4)
        #expect(Sharding.microBatches(rank: 0, ranks: 1, perRank: 2) == 0..<2)
    }
}

@Suite struct CommunicatorTests {
    /// Launchers announce themselves in the environment; a Slurm array task (SLURM_PROCID
    /// alone) is an independent process, not a rank.
    @Test func detectsLaunchersFromTheEnvironment() {
        #expect(Communicator.launchedByMPI(environment: ["OMPI_COMM_WORLD_SIZE": "2"]))
        #expect(Communicator.launchedByMPI(environment: ["PMIX_RANK": "0"]))
        #expect(Communicator.launchedByMPI(environment: ["PMI_RANK": "1", "SLURM_PROCID": "1"]))
        #expect(!Communicator.launchedByMPI(environment: ["SLURM_PROCID": "0", "SLURM_ARRAY_TASK_ID": "3"]))
        #expect(!Communicator.launchedByMPI(environment: ["HOME": "/root"]))
    }

    /// A world of one: every collective leaves the values as they are, and no MPI is needed.
    @Test func aWorldOfOneKeepsItsValues() throws {
        let world = Communicator.single
        #expect(world.rank == 0 && world.size == 1 && world.isRoot)
        var values: [Float] = [1, -0.0, 3.5]
        try world.allreduceSum(&values)
        try world.broadcast(&values)
        try world.barrier()
        #expect(values.map(\.bitPattern) == [Float(1), -0.0, 3.5].map(\.bitPattern))
        #expect(try world.allreduceMax(2) == 2)
    }
}
