/**
 * The process and its host: MinIO's `minio_node_process_*` and `minio_node_file_descriptor_*`
 * (cluster and node paths), and the resource path's CPU load and memory (`minio_node_cpu_avg_*`,
 * `minio_node_mem_*`). Linux's /proc gives what Node does not (open descriptors, their limit,
 * virtual memory, available memory); elsewhere those families are empty.
 */
import { readdir, readFile } from 'node:fs/promises';
import { freemem, loadavg, totalmem } from 'node:os';
import { family, type Sample, type ScrapedFamily, single } from './metric-family.js';

async function openDescriptors(): Promise<Sample[]> {
  try {
    // The listing itself holds one descriptor open.
    return single((await readdir('/proc/self/fd')).length - 1);
  } catch {
    return [];
  }
}

/** A number from a /proc file's line `label … value`, e.g. "Max open files  1024  4096  files". */
async function procField(file: string, pattern: RegExp, scale = 1): Promise<Sample[]> {
  try {
    const m = pattern.exec(await readFile(file, 'utf8'));
    return m?.[1] === undefined ? [] : single(Number(m[1]) * scale);
  } catch {
    return [];
  }
}

export function processFamilies(): ScrapedFamily[] {
  return [
    family(
      'minio_node_process_cpu_total_seconds',
      'untyped',
      'Total user and system CPU time spent by the process, in seconds (a counter)',
      () => {
        const { user, system } = process.cpuUsage();
        return single((user + system) / 1e6);
      },
    ),
    family('minio_node_process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes', () =>
      single(process.memoryUsage.rss()),
    ),
    family('minio_node_process_virtual_memory_bytes', 'gauge', 'Virtual memory size in bytes', () =>
      procField('/proc/self/status', /^VmSize:\s+(\d+)\s+kB/m, 1024),
    ),
    family(
      'minio_node_process_starttime_seconds',
      'gauge',
      'Start time of the process, in seconds since the Unix epoch',
      () => single(Math.round(Date.now() / 1000 - process.uptime())),
    ),
    family('minio_node_process_uptime_seconds', 'gauge', 'Uptime of the process in seconds', () =>
      single(process.uptime()),
    ),
    family(
      'minio_node_file_descriptor_open_total',
      'untyped',
      'Number of file descriptors the process has open (a gauge)',
      openDescriptors,
    ),
    family(
      'minio_node_file_descriptor_limit_total',
      'untyped',
      'Limit on the number of open file descriptors of the process (a gauge)',
      () => procField('/proc/self/limits', /^Max open files\s+(\d+)/m),
    ),
  ];
}

export function resourceFamilies(): ScrapedFamily[] {
  const load = (name: string, minutes: string, index: number) =>
    family(name, 'gauge', `CPU load average over ${minutes}`, () => single(loadavg()[index] ?? 0));
  return [
    load('minio_node_cpu_avg_load1', '1 minute', 0),
    load('minio_node_cpu_avg_load5', '5 minutes', 1),
    load('minio_node_cpu_avg_load15', '15 minutes', 2),
    family('minio_node_mem_total', 'untyped', 'Total memory on the node, in bytes (a gauge)', () =>
      single(totalmem()),
    ),
    family('minio_node_mem_free', 'gauge', 'Free memory on the node, in bytes', () => single(freemem())),
    family(
      'minio_node_mem_available',
      'gauge',
      'Memory available to new work on the node (free plus reclaimable cache), in bytes',
      () => procField('/proc/meminfo', /^MemAvailable:\s+(\d+)\s+kB/m, 1024),
    ),
    family(
      'minio_node_mem_used',
      'gauge',
      'Memory used on the node (total less available), in bytes',
      async () => {
        const [available] = await procField('/proc/meminfo', /^MemAvailable:\s+(\d+)\s+kB/m, 1024);
        return single(totalmem() - (available?.value ?? freemem()));
      },
    ),
    family(
      'minio_node_mem_used_perc',
      'gauge',
      'Memory used on the node, in percent of the total',
      async () => {
        const [available] = await procField('/proc/meminfo', /^MemAvailable:\s+(\d+)\s+kB/m, 1024);
        const total = totalmem();
        return single((100 * (total - (available?.value ?? freemem()))) / total);
      },
    ),
  ];
}
