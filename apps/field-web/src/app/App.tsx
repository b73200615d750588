/**
 * The app shell: sign-in gate, header with the sync indicator, Connection row, notices,
 * and the screen for the current route.
 */
import { useOutpost } from '@outpost/client/react';
import type { Role } from '@outpost/shared';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Board } from '../dispatcher/Board';
import { CreateJob } from '../dispatcher/CreateJob';
import { useBoard } from '../dispatcher/use-board';
import { ScheduleBoard } from '../dispatcher/desk/ScheduleBoard';
import { useWide } from '../dispatcher/desk/use-wide';
import { JobScreen } from '../job/JobScreen';
import { OfflineActions } from '../offline/OfflineActions';
import { Notices } from '../sync/Notices';
import { ConnectionRow, SyncIndicator } from '../sync/SyncIndicator';
import { JobList } from '../technician/JobList';
import { LocationTracking } from '../technician/LocationTracking';
import { Login } from './Login';
import { usePrimedReference, type PrimedReference } from './reference';
import { hrefFor, useRoute } from './router';

interface SignedIn {
  id: string;
  name: string;
  role: Role;
}

function NewJobScreen({ reference }: { reference: PrimedReference }) {
  const board = useBoard(reference.jobs);
  return <CreateJob customers={reference.customers} technicians={board.technicians} />;
}

function Shell({ user, onSignOut }: { user: SignedIn; onSignOut: () => void }) {
  const engine = useOutpost();
  const route = useRoute();
  const reference = usePrimedReference();
  const jobTitle = useCallback((jobId: string) => reference.jobs.find((j) => j.id === jobId)?.title, [reference.jobs]);
  const myJobs = useMemo(() => reference.jobs.filter((j) => j.assignees.includes(user.id)), [reference.jobs, user.id]);

  // Back on the list or board with a connection: refresh what is cached, so a job the
  // dispatcher just assigned shows up without waiting for the cache to age.
  const home = route.name === 'jobs' || route.name === 'board';
  const firstPrime = useRef(true);
  useEffect(() => {
    if (!home) return;
    const worthTrying = firstPrime.current || engine.status.get().connected;
    firstPrime.current = false;
    if (worthTrying && !engine.priming.get().running) void engine.priming.prime().catch(() => undefined);
  }, [engine, home]);

  // A job the dispatcher assigns (or takes away) appears on the technician's list as the
  // server pushes it (one round trip); after a reconnect the list is read again in full.
  const technician = user.role === 'technician';
  // Dispatchers on a wide screen get the schedule board; the phone layout stays below 1024 px.
  const wide = useWide();
  const desk = wide && user.role === 'dispatcher' && (route.name === 'jobs' || route.name === 'board');
  useEffect(() => {
    if (!technician) return;
    const refresh = () =>
      void engine.priming
        .refresh()
        .catch((err: unknown) => console.warn('[outpost] could not refresh the job list (the cached list stays; the next push or reconnect tries again)', err));
    const offNotice = engine.on('jobNotice', refresh);
    const offStale = engine.on('listsStale', refresh);
    return () => {
      offNotice();
      offStale();
    };
  }, [engine, technician]);

  let screen;
  if (route.name === 'job') screen = <JobScreen key={route.jobId} jobId={route.jobId} user={user} reference={reference} />;
  else if (route.name === 'offline-actions') screen = <OfflineActions jobTitle={jobTitle} />;
  else if (route.name === 'new-job' && user.role === 'dispatcher') screen = <NewJobScreen reference={reference} />;
  else if (desk) screen = <ScheduleBoard reference={reference} user={user} />;
  else if (user.role === 'dispatcher') screen = <Board primed={reference.jobs} />;
  else screen = <JobList jobs={reference.jobs} userId={user.id} />;

  return (
    <div className={desk ? 'app wide' : 'app'}>
      <header className="topbar">
        <a className="brand" href={hrefFor({ name: 'jobs' })}>
          Outpost
        </a>
        <SyncIndicator />
      </header>
      <ConnectionRow>
        <span className="who">
          {user.name.split(' ')[0]}
          <button type="button" className="link" onClick={onSignOut}>
            Sign out
          </button>
        </span>
      </ConnectionRow>
      <Notices jobTitle={jobTitle} selfId={user.id} />
      {user.role === 'technician' ? <LocationTracking userId={user.id} jobs={myJobs} /> : null}
      <main>
        {route.name !== 'jobs' && route.name !== 'board' ? (
          <p>
            <a href={hrefFor({ name: 'jobs' })}>← {user.role === 'dispatcher' ? 'Board' : 'My jobs'}</a>
          </p>
        ) : null}
        {screen}
      </main>
    </div>
  );
}

/** The whole field app. */
export function App() {
  const engine = useOutpost();
  const [ready, setReady] = useState(false);
  const [user, setUser] = useState<SignedIn | null>(null);
  const [expired, setExpired] = useState(false);
  const refreshUser = useCallback(() => {
    const u = engine.user;
    setUser(u ? { id: u.id, name: u.name, role: u.role } : null);
  }, [engine]);
  const signOut = () => {
    const { pending } = engine.status.get();
    const sure = pending === 0 || window.confirm(`${pending} changes are not uploaded yet. They stay on this device and upload after the next sign-in. Sign out?`);
    if (sure) void engine.logout().then(refreshUser);
  };

  useEffect(() => {
    void engine.ready.then(() => {
      refreshUser();
      setReady(true);
    });
    // The server refused the token: back to sign-in; unsynced work stays on the device.
    return engine.on('sessionExpired', () => {
      setExpired(true);
      refreshUser();
    });
  }, [engine, refreshUser]);

  if (!ready) return <p role="status">Opening Outpost…</p>;
  if (!user) {
    const onSignedIn = () => {
      setExpired(false);
      refreshUser();
    };
    return <Login onSignedIn={onSignedIn} notice={expired ? 'Your session expired: sign in again. Work not yet uploaded is kept on this device.' : null} />;
  }
  return <Shell user={user} onSignOut={signOut} />;
}
