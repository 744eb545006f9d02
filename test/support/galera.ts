import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { freeTcpPort, waitFor } from './processes';

const run = promisify(execFile);

export const GALERA_PROVIDER = '/usr/lib/galera/libgalera_smm.so';
const MARIADBD = '/usr/sbin/mariadbd';

/** Whether this machine can run a cluster: the provider, the server, its installer and rsync. */
export function galeraAvailable(): boolean {
  return [GALERA_PROVIDER, MARIADBD].every((path) => existsSync(path));
}

export interface GaleraNode {
  index: number;
  port: number;
  folder: string;
  process: ChildProcess | null;
  /** `mariadb://root@127.0.0.1:PORT/DATABASE`. */
  url(database: string): string;
}

/**
 * A three-node MariaDB Galera cluster on loopback, made from the machine's own binaries: one
 * data folder and my.cnf per node under a temporary folder, node 1 bootstrapping the cluster
 * (`--wsrep-new-cluster`), the others joining it by rsync state transfer, each started only once
 * the one before is Synced. Servers run detached (setsid) and are stopped by their pid.
 */
export class GaleraCluster {
  readonly nodes: GaleraNode[] = [];
  private readonly folder = mkdtempSync(join(tmpdir(), 'membership-galera-'));
  private readonly user = userInfo().uid === 0 ? 'mysql' : userInfo().username;

  static async start(size = 3): Promise<GaleraCluster> {
    const cluster = new GaleraCluster();
    try {
      await cluster.prepare(size);
      for (const node of cluster.nodes) await cluster.startNode(node, node.index === 1);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  private async prepare(size: number): Promise<void> {
    chmodSync(this.folder, 0o755);
    const ports = await Promise.all(
      Array.from({ length: size }, async () => ({
        sql: await freeTcpPort(),
        gcomm: await freeTcpPort(),
        ist: await freeTcpPort(),
        sst: await freeTcpPort(),
      })),
    );
    const addresses = ports.map((p) => `127.0.0.1:${p.gcomm}`).join(',');
    for (let i = 0; i < size; i++) {
      const folder = join(this.folder, `node${i + 1}`);
      const data = join(folder, 'data');
      mkdirSync(data, { recursive: true });
      if (this.user === 'mysql') {
        const { uid, gid } = await mysqlIds();
        chownSync(folder, uid, gid);
        chownSync(data, uid, gid);
      }
      const p = ports[i];
      writeFileSync(
        join(folder, 'my.cnf'),
        [
          '[mysqld]',
          `user=${this.user}`,
          `datadir=${data}`,
          `port=${p.sql}`,
          `socket=${join(folder, 'mysqld.sock')}`,
          `pid-file=${join(folder, 'mysqld.pid')}`,
          `log-error=${join(folder, 'error.log')}`,
          'bind-address=127.0.0.1',
          'binlog_format=ROW',
          'default_storage_engine=InnoDB',
          'innodb_autoinc_lock_mode=2',
          'innodb_buffer_pool_size=64M',
          'innodb_flush_log_at_trx_commit=2',
          'wsrep_on=ON',
          `wsrep_provider=${GALERA_PROVIDER}`,
          'wsrep_cluster_name=membership_test',
          `wsrep_cluster_address=gcomm://${addresses}`,
          `wsrep_node_address=127.0.0.1:${p.gcomm}`,
          `wsrep_node_name=node${i + 1}`,
          `wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:${p.gcomm};ist.recv_addr=127.0.0.1:${p.ist};gcache.size=32M"`,
          'wsrep_sst_method=rsync',
          `wsrep_sst_receive_address=127.0.0.1:${p.sst}`,
          '',
        ].join('\n'),
      );
      await run('mariadb-install-db', [
        `--defaults-file=${join(folder, 'my.cnf')}`,
        `--user=${this.user}`,
        `--datadir=${data}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
      ]);
      this.nodes.push({
        index: i + 1,
        port: p.sql,
        folder,
        process: null,
        url: (database) => `mariadb://root@127.0.0.1:${p.sql}/${database}`,
      });
    }
  }

  /** Starts one node and waits until it is Synced with the cluster. */
  async startNode(node: GaleraNode, bootstrap = false): Promise<void> {
    // The ports this node receives a state transfer on are its own and chosen afresh at every start:
    // a port found free when the cluster was made may since be some connection's ephemeral port
    // (a restart after SIGKILL met "Failed to open IST listener … Address already in use").
    const config = join(node.folder, 'my.cnf');
    writeFileSync(
      config,
      readFileSync(config, 'utf8')
        .replace(/ist\.recv_addr=127\.0\.0\.1:\d+/, `ist.recv_addr=127.0.0.1:${await freeTcpPort()}`)
        .replace(
          /wsrep_sst_receive_address=127\.0\.0\.1:\d+/,
          `wsrep_sst_receive_address=127.0.0.1:${await freeTcpPort()}`,
        ),
    );
    const args = [`--defaults-file=${join(node.folder, 'my.cnf')}`, ...(bootstrap ? ['--wsrep-new-cluster'] : [])];
    // Not detached: setsid is then no group leader, so it execs mariadbd in a session of its
    // own without forking, and this child's exit is the server's.
    const child = spawn('setsid', [MARIADBD, ...args], { stdio: 'ignore' });
    child.unref();
    node.process = child;
    let exitedWith: number | null = null;
    child.once('exit', (code) => (exitedWith = code ?? -1));
    const state = await waitFor(
      `node ${node.index} to be Synced`,
      async () =>
        exitedWith !== null
          ? 'exited'
          : (await this.status(node, 'wsrep_local_state_comment')) === 'Synced' && 'Synced',
      120_000,
    ).catch((error: Error) => error.message);
    if (state !== 'Synced') {
      throw new Error(
        `node ${node.index}: ${state === 'exited' ? `exited (${exitedWith})` : state}\n${this.log(node).slice(-3000)}`,
      );
    }
  }

  /** One `SHOW STATUS` value of a node, or null when it does not answer. */
  async status(node: GaleraNode, name: string): Promise<string | null> {
    const connection = await createConnection({
      host: '127.0.0.1',
      port: node.port,
      user: 'root',
      connectTimeout: 2000,
    });
    try {
      const [rows] = await connection.query('SHOW STATUS LIKE ?', [name]);
      return (rows as { Value: string }[])[0]?.Value ?? null;
    } finally {
      await connection.end();
    }
  }

  /** Runs statements on one node as root (CREATE DATABASE and the like). */
  async sql(node: GaleraNode, statement: string): Promise<unknown> {
    const connection = await createConnection({ host: '127.0.0.1', port: node.port, user: 'root' });
    try {
      return (await connection.query(statement))[0];
    } finally {
      await connection.end();
    }
  }

  /** Kills a node at once (SIGKILL), as a crash would. */
  kill(node: GaleraNode): void {
    const pid = this.pid(node);
    if (pid) process.kill(pid, 'SIGKILL');
    node.process = null;
  }

  private pid(node: GaleraNode): number | null {
    const file = join(node.folder, 'mysqld.pid');
    return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) || null : null;
  }

  log(node: GaleraNode): string {
    const file = join(node.folder, 'error.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  /** Stops every node by its pid (SIGTERM, then SIGKILL) and removes the folders. */
  async stop(): Promise<void> {
    for (const node of [...this.nodes].reverse()) {
      const pid = this.pid(node);
      if (!pid) continue;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        continue; // already gone
      }
      const gone = await waitFor(
        `node ${node.index} to stop`,
        async () => {
          try {
            process.kill(pid, 0);
            return false;
          } catch {
            return true;
          }
        },
        30_000,
      ).catch(() => false);
      if (!gone) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
    }
    rmSync(this.folder, { recursive: true, force: true });
  }
}

async function mysqlIds(): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
    run('id', ['-u', 'mysql']),
    run('id', ['-g', 'mysql']),
  ]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}
