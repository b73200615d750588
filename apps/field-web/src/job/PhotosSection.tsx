/** Job photos: camera or file, a kind and caption, thumbnails that show offline. */
import { useJobRoot } from '@outpost/client/react';
import { PHOTO_KINDS, type Photo, type PhotoKind } from '@outpost/shared';
import { useRef, useState } from 'react';
import type * as Y from 'yjs';
import { shrinkPhoto, useBlobUrl, useUploadPercent, type JobBlobs } from './job-blobs';

/** Props of {@link PhotosSection}. */
export interface PhotosSectionProps {
  doc: Y.Doc;
  blobs: JobBlobs;
}

function Thumbnail({ photo, blobs }: { photo: Photo; blobs: JobBlobs }) {
  const url = useBlobUrl(blobs, photo.id);
  const percent = useUploadPercent(blobs, photo.id);
  const alt = `${photo.kind} photo${photo.caption ? `: ${photo.caption}` : ''}`;
  return (
    <figure data-testid="photo">
      {url ? <img src={url} alt={alt} /> : <div className="placeholder" role="img" aria-label={`${alt} (not on this device yet)`} />}
      <figcaption>
        <strong>{photo.kind}</strong> {photo.caption}
        {percent !== null && (
          <span className="muted" role="status" data-testid="photo-upload-progress">
            {' '}
            {percent} % uploaded
          </span>
        )}
      </figcaption>
    </figure>
  );
}

/** The photos card of the job screen. */
export function PhotosSection({ doc, blobs }: PhotosSectionProps) {
  const photos = useJobRoot(doc, 'photos');
  const [kind, setKind] = useState<PhotoKind>('before');
  const [caption, setCaption] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    try {
      const { bytes, mime } = await shrinkPhoto(file);
      await blobs.putPhoto(bytes, { kind, caption, mime });
      setCaption('');
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };

  return (
    <section className="card" aria-labelledby="photos-title">
      <h2 id="photos-title">Photos ({photos.length})</h2>
      <div className="thumbs">
        {photos.map((p) => (
          <Thumbnail key={p.id} photo={p} blobs={blobs} />
        ))}
      </div>
      <div className="row" style={{ marginTop: 8 }}>
        <div className="field">
          <label htmlFor="photo-kind">Kind</label>
          <select id="photo-kind" value={kind} onChange={(e) => setKind(e.target.value as PhotoKind)}>
            {PHOTO_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="photo-caption">Caption</label>
          <input id="photo-caption" value={caption} onChange={(e) => setCaption(e.target.value)} />
        </div>
      </div>
      <label className="button" style={{ marginTop: 8 }}>
        {busy ? 'Saving photo…' : 'Take or choose photo'}
        <input
          ref={input}
          className="sr-only"
          type="file"
          accept="image/*"
          capture="environment"
          aria-label="Take or choose photo"
          onChange={(e) => void onFile(e.target.files?.[0])}
        />
      </label>
    </section>
  );
}
