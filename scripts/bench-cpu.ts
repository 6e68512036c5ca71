// CPU time spent while a bench row runs, per item: on the whole machine (every core, every
// process: the API, the S3 server, PostgreSQL) and in this process alone. On a machine whose
// cores are all busy, cores x 1000 / machine ms per item bounds the rate any path can reach, so a
// row saturated on CPU says so instead of looking like a slow path.
import { cpus } from "node:os";

const machineBusyMs = (): number =>
  cpus().reduce((sum, { times }) => sum + times.user + times.nice + times.sys + times.irq, 0);

export interface CpuPerItem {
  /** ms of CPU per item, all processes on all cores. */
  machine: number;
  /** ms of CPU per item in this process (client and, in these benches, the API server). */
  process: number;
  /** The rate (items/s) at which the machine's cores would all be busy at this cost. */
  bound: number;
}

/** Starts counting; `perItem(count)` reads what was spent since, divided by count. */
export const cpuMeter = () => {
  const machineStart = machineBusyMs();
  const processStart = process.cpuUsage();
  return {
    perItem(count: number): CpuPerItem {
      const machine = (machineBusyMs() - machineStart) / count;
      const used = process.cpuUsage(processStart);
      return {
        machine,
        process: (used.user + used.system) / 1000 / count,
        bound: machine > 0 ? (cpus().length * 1000) / machine : Number.POSITIVE_INFINITY,
      };
    },
  };
};

/** The three cells a table shows for a CpuPerItem. */
export const cpuCells = (cpu: CpuPerItem): string[] => [
  cpu.machine.toFixed(1),
  cpu.process.toFixed(1),
  cpu.bound.toFixed(0),
];

export const CPU_HEADER = ["CPU ms/upload (machine)", "of which this process", "CPU-bound max/s"];
