import type { Agent, AgentCreate } from '@iqra/sdk';
import { useEffect, useState } from 'react';
import { voiceApi } from '../../api/voice';
import { usePageTitle } from '../../brand/brand';
import { PageHeader } from '../../layout/PageHeader';
import { formatRelative } from '../../lib/format';
import { useBusinessData } from '../../state/business';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { EmptyState } from '../../ui/EmptyState';
import { LoadError } from '../../ui/LoadError';
import { type Column, Table } from '../../ui/Table';
import { useToast } from '../../ui/Toast';
import { AgentDialog } from './AgentDialog';

export function AgentsPage() {
  usePageTitle('Agents');
  const { business, agents, removeAgent } = useBusinessData();
  const notify = useToast();
  const [editing, setEditing] = useState<Agent | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Agent | null>(null);

  useEffect(() => agents.ensure(), [agents.ensure]);

  async function save(body: Partial<AgentCreate>) {
    const agent =
      editing && editing !== 'new'
        ? await voiceApi.updateAgent(business.id, editing.id, body)
        : await voiceApi.createAgent(business.id, body as AgentCreate);
    agents.upsert(agent);
    setEditing(null);
    notify(editing === 'new' ? `Agent “${agent.name}” created.` : `“${agent.name}” saved.`);
  }

  async function remove(agent: Agent) {
    await voiceApi.deleteAgent(business.id, agent.id);
    removeAgent(agent.id);
    setDeleting(null);
    notify(`“${agent.name}” deleted. Its calls and conversations stay.`);
  }

  const columns: Column<Agent>[] = [
    {
      key: 'name',
      header: 'Name',
      cell: (agent) => (
        <span className="cell-stack">
          <strong>{agent.name}</strong>
          <span className="muted truncate">{agent.greeting}</span>
        </span>
      ),
    },
    { key: 'voice', header: 'Language · voice', cell: (a) => `${a.language} · ${a.voice}` },
    {
      key: 'variables',
      header: 'Variables',
      cell: (agent) =>
        agent.variables.length === 0 ? (
          <span className="muted">None</span>
        ) : (
          <span className="chips">
            {agent.variables.map((name) => (
              <code key={name} className="chip chip-static">{`{{${name}}}`}</code>
            ))}
          </span>
        ),
    },
    { key: 'updated', header: 'Updated', cell: (a) => formatRelative(a.updatedAt) },
    {
      key: 'actions',
      header: <span className="visually-hidden">Actions</span>,
      label: '',
      className: 'col-actions',
      cell: (agent) => (
        <span className="row-actions">
          <Button size="sm" icon="edit" onClick={() => setEditing(agent)}>
            Edit
          </Button>
          <Button
            size="sm"
            variant="ghost"
            icon="trash"
            aria-label={`Delete ${agent.name}`}
            onClick={() => setDeleting(agent)}
          />
        </span>
      ),
    },
  ];

  const loading = agents.status === 'idle' || agents.status === 'loading';
  return (
    <>
      <PageHeader
        title="Agents"
        description={`The voices that speak on ${business.name}’s calls.`}
        actions={
          <Button variant="primary" icon="plus" onClick={() => setEditing('new')}>
            New agent
          </Button>
        }
      />
      {agents.status === 'error' ? (
        <LoadError title="Agents did not load" error={agents.error} onRetry={agents.reload} />
      ) : agents.status === 'ready' && agents.items.length === 0 ? (
        <div className="card">
          <EmptyState
            icon="agent"
            title="No agents yet"
            action={
              <Button variant="primary" icon="plus" onClick={() => setEditing('new')}>
                New agent
              </Button>
            }
          >
            An agent is what speaks on a call: its greeting, voice and instructions. Create one,
            then place a test call with it.
          </EmptyState>
        </div>
      ) : (
        <div className="card card-flush">
          <Table
            caption="Agents"
            columns={columns}
            rows={agents.items}
            rowKey={(a) => a.id}
            loading={loading}
          />
        </div>
      )}
      {editing && (
        <AgentDialog
          agent={editing === 'new' ? null : editing}
          defaultLanguage={business.defaultLanguage}
          onSave={save}
          onCancel={() => setEditing(null)}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.name}?`}
          confirmLabel="Delete agent"
          onConfirm={() => remove(deleting)}
          onCancel={() => setDeleting(null)}
        >
          <p>
            New calls can no longer use it. Calls already made and their conversations stay in the
            log.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
