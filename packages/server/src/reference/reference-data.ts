/**
 * Writing reference data (customers, equipment, the pricebook) so that the devices holding
 * it hear of the change at once: every write here is followed by a `referenceChanged` push
 * to exactly the devices concerned, and the device re-reads only that record. Routes
 * (routes.ts) and an integrator's own sync (`RunningServer.reference`) both write here;
 * writing through `Store` directly changes the data without telling any device.
 *
 * Who hears what: a customer — the technicians on any job for that customer, and every
 * dispatcher; a piece of equipment — the technicians on any job it is linked to before or
 * after the write (one taken off it re-reads and drops it), and every dispatcher; the
 * pricebook — everyone, with the new version (the hash `GET /api/pricebook` answers).
 */
import { encodeMessage, referenceChanged, type Customer, type Equipment, type PricebookItem } from '@outpost/shared';
import type { DeviceNotice } from '../relay/device-notices';
import type { JobDocs } from '../relay/job-docs';
import type { Store } from '../store/store';
import { pricebookVersion } from './pricebook-version';

/** Reference-data writes that push to devices. */
export class ReferenceData {
  constructor(
    private readonly store: Store,
    private readonly relay: Pick<JobDocs, 'notifyDevices'>,
  ) {}

  /** Creates or replaces a customer; its technicians and every dispatcher re-read it. */
  async putCustomer(customer: Customer): Promise<void> {
    await this.store.putCustomer(customer);
    const jobs = await this.store.listJobs({ customerId: customer.id });
    this.relay.notifyDevices([
      notice(
        'customer',
        customer.id,
        jobs.flatMap((j) => j.assignees),
      ),
    ]);
  }

  /** Creates or replaces a piece of equipment; the technicians of its jobs (before and after) and every dispatcher re-read it. */
  async putEquipment(equipment: Equipment): Promise<void> {
    const [before] = await this.store.listEquipment({ ids: [equipment.id] });
    await this.store.putEquipment(equipment);
    const jobIds = new Set([...(before?.jobIds ?? []), ...equipment.jobIds]);
    const jobs = await Promise.all([...jobIds].map((id) => this.store.getJob(id)));
    this.relay.notifyDevices([
      notice(
        'equipment',
        equipment.id,
        jobs.flatMap((j) => j?.assignees ?? []),
      ),
    ]);
  }

  /** Creates or replaces pricebook items; every device re-reads the pricebook (the id is its new version). */
  async putPricebookItems(items: readonly PricebookItem[]): Promise<void> {
    await this.store.putPricebookItems(items);
    const version = pricebookVersion(await this.store.listPricebook());
    const technicians = (await this.store.listUsers()).filter((u) => u.role === 'technician').map((u) => u.id);
    this.relay.notifyDevices([notice('pricebook', version, technicians)]);
  }
}

function notice(kind: 'customer' | 'equipment' | 'pricebook', id: string, users: readonly string[]): DeviceNotice {
  return { users: [...new Set(users)], dispatchers: true, message: encodeMessage(referenceChanged, { kind, id }) };
}
