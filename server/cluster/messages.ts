/** What a technician reads when multi-node mode refuses a command: what went wrong, what to do. */
export const REFUSED = {
  redisDown:
    'the change was not made: this node cannot reach Redis (PAVILION_REDIS_URL), where every node of the pavilion keeps the show; the screens keep playing. Check that redis-server is running and reachable from this node (GET /api/health says when it is back), then retry',
  notWriter: (writer: string | null) =>
    `the change was not made: this node is a follower of a multi-node pavilion and does not write the show itself. Send it to the writer node instead, ${writer ? `at ${writer}` : 'which GET /api/nodes on any node names'} (OSC, piece uploads and show imports go there; the control panel and REST commands of any node are forwarded to it), or retry in a few seconds if the writer is changing`,
  noWriter: (s: number) =>
    `the change was not made: no node of the pavilion holds the writer lease (the writer stopped and no other node took over within ${s} s); check that the nodes are running (GET /api/health on each), then retry`,
  noAnswer: (s: number) =>
    `no answer from the writer node within ${s} s: the change may or may not have been made (the writer may have stopped mid-command); look at the show (the panel, GET /api/show) before retrying`,
  writerGone:
    'the writer node stopped before it answered (another node takes or took over as the writer): the change may or may not have been made; look at the show (the panel, GET /api/show) before retrying',
  notConfirmed: (s: number) =>
    `Redis did not confirm within ${s} s that the change is durable: it was applied on the writer node and is written as soon as Redis answers, but it is lost if the writer stops first; check Redis (GET /api/health), then look at the show before retrying`,
  fenced:
    'the change was not made durable: this node lost the writer lease (another node took over) before Redis confirmed it; look at the show (the panel, GET /api/show) and retry',
};

/** An error whose message is meant for the technician as it is (server/show/store.ts shows it). */
export class Refusal extends Error {
  readonly publicMessage: string;
  constructor(message: string) {
    super(message);
    this.publicMessage = message;
  }
}
