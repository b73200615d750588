/**
 * A tiny hash router: the app is one page served from the cache, so the route lives in
 * the fragment and a reload offline lands on the same screen.
 */
import { useEffect, useState } from 'react';

/** The screens of the app. */
export type Route = { name: 'jobs' } | { name: 'job'; jobId: string } | { name: 'board' } | { name: 'new-job' } | { name: 'offline-actions' };

/** Reads a route from a location hash such as `#/job/j1`. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'job' && parts[1]) return { name: 'job', jobId: parts[1] };
  if (parts[0] === 'board') return { name: 'board' };
  if (parts[0] === 'new-job') return { name: 'new-job' };
  if (parts[0] === 'offline-actions') return { name: 'offline-actions' };
  return { name: 'jobs' };
}

/** The hash for a route. */
export function hrefFor(route: Route): string {
  if (route.name === 'job') return `#/job/${encodeURIComponent(route.jobId)}`;
  if (route.name === 'jobs') return '#/';
  return `#/${route.name}`;
}

/** Goes to a route. */
export function navigate(route: Route): void {
  window.location.hash = hrefFor(route);
}

/** The current route, updated on every hash change. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
