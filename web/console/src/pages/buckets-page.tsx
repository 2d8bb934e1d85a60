import { type FormEvent, useCallback, useEffect, useState } from 'react';
import {
  type Bucket,
  type BucketUsage,
  createBucket,
  dataUsage,
  deleteBucket,
  describeError,
  listBuckets,
} from '../api.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { formatBytes } from '../format.ts';

/** Buckets: the list with usage, create, delete after a confirmation that names the bucket. */
export function BucketsPage() {
  const [buckets, setBuckets] = useState<Bucket[] | undefined>();
  const [usage, setUsage] = useState<Record<string, BucketUsage> | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [name, setName] = useState('');
  const [toDelete, setToDelete] = useState<string | undefined>();

  const load = useCallback(async () => {
    try {
      setBuckets(await listBuckets());
    } catch (err) {
      setError(describeError(err));
    }
    // Usage needs admin:DataUsageInfo; without it the columns say so instead of failing the page.
    dataUsage().then(setUsage, () => setUsage(undefined));
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      await createBucket(name.trim());
      setName('');
      await load();
    } catch (err) {
      setError(describeError(err));
    }
  };

  const remove = async (bucket: string) => {
    setToDelete(undefined);
    setError(undefined);
    try {
      await deleteBucket(bucket);
      await load();
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <section aria-labelledby="buckets-title">
      <h1 id="buckets-title">Buckets</h1>
      <form className="inline-form" onSubmit={create}>
        <label>
          New bucket name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            minLength={3}
            maxLength={63}
          />
        </label>
        <button type="submit">Create bucket</button>
      </form>
      {error !== undefined && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {buckets === undefined ? (
        <p aria-busy="true">Loading buckets…</p>
      ) : buckets.length === 0 ? (
        <p className="empty">No buckets yet. Create one above.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Buckets</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Created</th>
                <th scope="col">Objects</th>
                <th scope="col">Size</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {buckets.map((b) => {
                const u = usage?.[b.name];
                return (
                  <tr key={b.name}>
                    <th scope="row">{b.name}</th>
                    <td>{b.created.toLocaleString()}</td>
                    <td>{u === undefined ? '—' : u.objectsCount.toLocaleString()}</td>
                    <td>{u === undefined ? '—' : formatBytes(u.size)}</td>
                    <td>
                      <button type="button" className="danger" onClick={() => setToDelete(b.name)}>
                        Delete<span className="visually-hidden"> bucket {b.name}</span>
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {usage === undefined && (
            <p className="note">Object counts and sizes need the admin:DataUsageInfo permission.</p>
          )}
        </div>
      )}
      {toDelete !== undefined && (
        <ConfirmDialog
          title={`Delete bucket ${toDelete}?`}
          message={`The bucket ${toDelete} will be deleted. Only an empty bucket can be deleted.`}
          confirmLabel={`Delete ${toDelete}`}
          onConfirm={() => void remove(toDelete)}
          onCancel={() => setToDelete(undefined)}
        />
      )}
    </section>
  );
}
