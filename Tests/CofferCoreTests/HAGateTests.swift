import Foundation
import Testing

@testable import CofferCore

/// The door of an HA node: a standby sends every request on; any other state
/// serves it and counts it until it is finished, so a node giving up the lock
/// knows what it is waiting for.
@Suite struct HAGateTests {
    let leader = LeaderAdvertisement(apiAddress: "https://node2:8200", clusterAddress: "https://node2:8201")

    @Test("an inactive (sealed or starting) node serves, and counts what it serves")
    func inactive() {
        var gate = HAGate()
        #expect(gate.admit() == .serve)
        #expect(gate.admit() == .serve)
        #expect(gate.inFlight == 2)
        gate.finish()
        gate.finish()
        gate.finish()
        #expect(gate.inFlight == 0)
    }

    @Test("a standby forwards to the leader it last saw, and counts nothing")
    func standby() {
        var gate = HAGate()
        gate.enter(.standby(leader: nil))
        #expect(gate.admit() == .forward(nil))
        gate.leaderSeen(leader)
        #expect(gate.admit() == .forward(leader))
        #expect(gate.inFlight == 0)
    }

    @Test("an active node serves; the leader seen by a standby's refresh does not change it")
    func active() {
        var gate = HAGate()
        gate.enter(.active(since: Date(timeIntervalSince1970: 0)))
        gate.leaderSeen(leader)
        #expect(gate.admit() == .serve)
        // Stepping down: new requests go on, those admitted are still counted.
        gate.enter(.standby(leader: nil))
        #expect(gate.admit() == .forward(nil))
        #expect(gate.inFlight == 1)
    }

    @Test("the lock's value carries both addresses, and anything else reads as no leader")
    func advertisement() {
        #expect(LeaderAdvertisement(lockValue: leader.lockValue) == leader)
        for value in ["", "node2", "{}", "[]", "{\"api_addr\":\"\"}", "{\"api_addr\":7}", "\u{0}"] {
            #expect(LeaderAdvertisement(lockValue: value) == nil)
        }
        let apiOnly = LeaderAdvertisement(lockValue: "{\"api_addr\":\"http://n:8200\"}")
        #expect(apiOnly == LeaderAdvertisement(apiAddress: "http://n:8200", clusterAddress: ""))
    }
}
