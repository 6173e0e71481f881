import { useEffect, useState } from 'react';
import type { ClusterNodeEntry, NodesReply } from '../../../protocol';
import { ago } from '../format';
import { call } from '../rest';
import { Empty, Section } from '../ui';

const POLL_MS = 2000;
const since = (t: number) => new Date(t).toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/**
 * The pavilion's server nodes (GET /api/nodes, polled): with PAVILION_REDIS_URL every node writes a
 * heartbeat into Redis and any node lists them all, the writer first (docs/operations.md, "Several
 * nodes"); alone, the one node.
 */
export function NodesView() {
  const [reply, setReply] = useState<Omit<NodesReply, 'ok'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      const res = await call<Omit<NodesReply, 'ok'>>('GET', '/api/nodes');
      if (!live) return;
      if (res.ok) {
        setError(null);
        setReply({ mode: res.mode, nodes: res.nodes });
      } else setError(res.error.message);
      timer = setTimeout(() => void poll(), document.visibilityState === 'visible' ? POLL_MS : POLL_MS * 4);
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, []);
  return (
    <Section title="Server nodes" testId="nodes">
      {error && <p className="warn-text" data-testid="nodes-error">The list of nodes cannot be read now: {error}</p>}
      {reply?.mode === 'single' && <p className="muted">This server runs alone (no <code>PAVILION_REDIS_URL</code>). Several nodes act as one pavilion through Redis: docs/operations.md, "Several nodes".</p>}
      {!reply ? (
        <Empty>{error ? 'No list yet.' : 'Loading…'}</Empty>
      ) : (
        <table className="rects nodes" data-testid="nodes-table">
          <thead>
            <tr>
              <th>Node</th>
              <th>Role</th>
              <th>Address</th>
              <th>Up since</th>
              <th>Clients</th>
              <th>Visitors</th>
              <th>Show version</th>
              <th>Last heartbeat</th>
            </tr>
          </thead>
          <tbody>
            {reply.nodes.map((n) => (
              <NodeRow key={n.id} node={n} />
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function NodeRow({ node: n }: { node: ClusterNodeEntry }) {
  const late = n.role !== 'single' && n.heartbeatAgeMs > 3000;
  return (
    <tr data-testid="node-row" data-node={n.id} data-role={n.role}>
      <td>
        <code>{n.id}</code>
        {n.self && <span className="muted"> (this panel's node)</span>}
      </td>
      <td>
        <span className={`badge${n.role === 'writer' ? ' ok' : ''}`} data-testid="node-role">{n.role === 'single' ? 'alone' : n.role}</span>
      </td>
      <td>
        <a href={n.address} target="_blank" rel="noreferrer">{n.address}</a>
      </td>
      <td>{since(n.upSince)}</td>
      <td data-testid="node-clients">{n.clients}</td>
      <td data-testid="node-visitors" title={visitorsByWall(n)}>{visitorTotal(n)}</td>
      <td>{n.version}</td>
      <td className={late ? 'warn-text' : ''}>{n.role === 'single' ? '—' : `${ago(n.heartbeatAgeMs)} ago`}</td>
    </tr>
  );
}

/** Visitors playing on the node (all walls), and those queued. */
function visitorTotal(n: ClusterNodeEntry): string {
  const all = Object.values(n.visitors);
  const playing = all.reduce((sum, v) => sum + v.playing, 0);
  const queued = all.reduce((sum, v) => sum + v.queued, 0);
  return queued > 0 ? `${playing} (+${queued} queued)` : String(playing);
}

function visitorsByWall(n: ClusterNodeEntry): string {
  return Object.entries(n.visitors).map(([wall, v]) => `${wall}: ${v.playing} playing, ${v.queued} queued`).join('\n') || 'no visitors';
}
