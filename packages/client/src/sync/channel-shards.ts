/**
 * Device channels per shard of jobs, for a load balancer that routes by job id
 * (docs/scaling.md): a job's shard is the last character of its id, which nginx can read
 * from any job path with a regex, so `/device?shard=7`, `/sync/job-1007` and
 * `/api/jobs/job-1007/…` all hash to the same node. A device holds one channel per shard
 * it has jobs in (at most 10 for decimal ids, 16 for hex), each job's traffic meets the
 * job's other devices on one node, and pushes arrive on every channel (each node delivers
 * to the channels it holds; a device dedupes nothing — a push is an idempotent "re-read").
 * With no job open, a home channel (no shard: any node) is held for pushes.
 */
import { DeviceChannel, type DeviceChannelOptions } from './device-channel';
import type { JobLink, JobLinks, LinkEvents } from './job-link';

/** The channel that carries no job: pushes only, routed to any node. */
const HOME = '';

/** The shard of a job: the last character of its id (lowercased). */
export function jobShard(jobId: string): string {
  return jobId.slice(-1).toLowerCase();
}

/** One `DeviceChannel` per shard; `url(shard)` names the shard in the channel URL. */
export class ShardedChannels implements JobLinks {
  private readonly channels = new Map<string, DeviceChannel>();
  private readonly configure: ((channel: DeviceChannel) => void)[] = [];

  constructor(private readonly options: Omit<DeviceChannelOptions, 'url'> & { url: (shard: string) => string | null }) {}

  connect(jobId: string, events: LinkEvents): JobLink | null {
    return this.channelFor(jobShard(jobId)).connect(jobId, events);
  }

  /** Listens to pushes on every channel (see `DeviceChannel.onPush`). */
  onPush(listener: Parameters<DeviceChannel['onPush']>[0]): void {
    this.each((c) => c.onPush(listener));
  }

  /** Called when any channel (re)opens (see `DeviceChannel.onOpen`). */
  onOpen(listener: () => void): void {
    this.each((c) => c.onOpen(listener));
  }

  /** Holds the home channel open for pushes while signed in. */
  hold(on: boolean): void {
    this.channelFor(HOME).hold(on);
  }

  /** New token or sign-out: every channel reconnects. */
  reset(): void {
    for (const c of this.channels.values()) c.reset();
  }

  /** Closes every channel. */
  close(): void {
    for (const c of this.channels.values()) c.close();
  }

  private each(setup: (channel: DeviceChannel) => void): void {
    this.configure.push(setup);
    for (const c of this.channels.values()) setup(c);
  }

  private channelFor(shard: string): DeviceChannel {
    let channel = this.channels.get(shard);
    if (!channel) {
      channel = new DeviceChannel({ ...this.options, url: () => this.options.url(shard) });
      this.channels.set(shard, channel);
      for (const setup of this.configure) setup(channel);
    }
    return channel;
  }
}
