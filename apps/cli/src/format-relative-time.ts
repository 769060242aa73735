/**
 * How long ago something happened, the way `docker ps` says it: `just now`, `42s ago`, `5m ago`,
 * `3h ago`, `2d ago`. Listings stay narrow and people read them at a glance.
 */
export function formatRelativeTime(timestamp: string | undefined, now: number = Date.now()): string {
  if (!timestamp) return '-';
  const seconds = Math.max(0, Math.round((now - Date.parse(timestamp)) / 1000));
  if (Number.isNaN(seconds)) return '-';
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds}s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ago`;
  return `${Math.floor(hours / 24)}d ago`;
}
