import Foundation
import GRDB
import Testing
@testable import Tracking

/// Long metrics of ended runs are read as each step bucket's lowest and highest point.
struct MetricBucketsTests {
    /// 20,000 noisy points with a spike and a dip: after the run ends, 512 buckets give at
    /// most 1,024 points in step order, the spike and the dip among them; short metrics stay
    /// whole; a resumed run is read point by point again.
    @Test func anEndedRunsLongCurveKeepsEveryBucketsExtremes() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let run = try store.startRun(sampleRun())
        for step in 0..<20_000 {
            let noise = Double((step * 7919) % 1000) / 1000
            run.record("train.loss", step: step, value: step == 12_345 ? 50 : step == 12_350 ? -50 : 1 + noise)
            if step % 1000 == 0 { run.record("val.loss", step: step, value: 1) }
        }
        try run.finish()
        let loss = try store.metricSeries(run: run.id, key: "train.loss")
        #expect(loss.count <= 2 * MetricBuckets.count && loss.count > MetricBuckets.count)
        #expect(zip(loss, loss.dropFirst()).allSatisfy { $0.step < $1.step })
        #expect(loss.contains { $0.step == 12_345 && $0.value == 50 } && loss.contains { $0.step == 12_350 && $0.value == -50 })
        #expect(loss.compactMap(\.value).max() == 50 && loss.compactMap(\.value).min() == -50)
        #expect(try store.metricSeries(run: run.id, key: "val.loss").count == 20)

        try store.pool.write { try $0.execute(sql: "UPDATE runs SET status = 'crashed' WHERE id = ?", arguments: [run.id]) }
        let resumed = try store.reopenRun(run.id, discardingMetricsAfter: 19_999)
        #expect(try store.metricSeries(run: run.id, key: "train.loss").count == 20_000)
        try resumed.finish()
        #expect(try store.metricSeries(run: run.id, key: "train.loss").count <= 2 * MetricBuckets.count)
    }

    /// A merged run gets its buckets in runs.db (merge writes them; a shard's own are not copied).
    @Test func aMergedRunIsBucketedToo() throws {
        let dir = try TemporaryDirectory()
        let (shard, _) = try ShardMergeTests.makeShard(dir, "a", point: 0, points: 5_000)
        let store = try RunStore(path: dir.databasePath)
        let merged = try store.merge(shards: [shard])
        let run = try #require(merged.runs.first?.runID)
        let loss = try store.metricSeries(run: run, key: "train.loss")
        #expect(loss.count <= 2 * MetricBuckets.count && loss.count > 100)
        #expect(loss.first?.step == 0 && loss.first?.value == 1)  // the curve's highest point, at its start
        #expect(try store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM metric_buckets WHERE run_id = ?", arguments: [run]) }
                == MetricBuckets.count)
    }
}
