import Foundation
import Testing
@testable import Experiments

/// What a researcher watches on standard error: done/total, status, rate and an ETA that
/// is only given once a rate has been measured.
@Suite struct ProgressTests {
    final class Lines: @unchecked Sendable {
        var all: [String] = []
    }

    @Test func theEtaIsUnknownUntilARateIsMeasured() {
        let lines = Lines()
        let progress = Progress("train", total: 100, unit: "steps", isTerminal: false, interval: 0) {
            lines.all.append($0)
        }
        progress.update(0, "loss 9.1")
        #expect(lines.all.last?.contains("ETA 0:00") == false, "\(lines.all)")
        #expect(lines.all.last?.contains("ETA unknown") == true, "\(lines.all)")
        Thread.sleep(forTimeInterval: 0.2)
        progress.update(10, "loss 5.0")
        let line = lines.all.last ?? ""
        #expect(line.contains("steps/s"), "\(line)")
        #expect(!line.contains("ETA unknown"), "\(line)")
    }

    @Test func aResumedRunMeasuresItsRateFromWhereItStarted() {
        let lines = Lines()
        let progress = Progress("train", total: 100, unit: "steps", isTerminal: false, interval: 0) {
            lines.all.append($0)
        }
        progress.update(90)  // resumed at step 90: no rate from 90 steps "in no time"
        #expect(lines.all.last?.contains("ETA unknown") == true, "\(lines.all)")
    }

    @Test func validationAppearsBesideTheLoss() throws {
        let text = TrainingRecorder.validationStatus(["val_mel_l1": 0.8123, "val_duration": 0.05], step: 20)
        #expect(text == "val duration 0.0500, mel_l1 0.8123 @20")
    }
}
