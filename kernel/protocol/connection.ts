// The connection file a Jupyter client writes for a kernel: where to bind and how to sign.
import * as fs from 'fs';

export interface ConnectionInfo {
  transport: 'tcp' | 'ipc';
  ip: string;
  shell_port: number;
  control_port: number;
  stdin_port: number;
  iopub_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

export type Channel = 'shell' | 'control' | 'stdin' | 'iopub' | 'hb';

export function readConnectionFile(file: string): ConnectionInfo {
  const info = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<ConnectionInfo>;
  for (const port of ['shell_port', 'control_port', 'stdin_port', 'iopub_port', 'hb_port'] as const) {
    if (typeof info[port] !== 'number') throw new Error(`connection file ${file}: ${port} missing`);
  }
  return {
    transport: info.transport ?? 'tcp',
    ip: info.ip ?? '127.0.0.1',
    key: info.key ?? '',
    signature_scheme: info.signature_scheme ?? 'hmac-sha256',
    ...info,
  } as ConnectionInfo;
}

export function endpoint(info: ConnectionInfo, channel: Channel): string {
  const port = info[`${channel}_port` as const];
  // ipc endpoints are files named <ip>-<port>, as jupyter_client makes them.
  return info.transport === 'ipc' ? `ipc://${info.ip}-${port}` : `tcp://${info.ip}:${port}`;
}
