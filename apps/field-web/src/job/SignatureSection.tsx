/** The customer's signature, drawn with a finger on a canvas and kept as a blob. */
import { useJobRoot } from '@outpost/client/react';
import { useRef, useState, type PointerEvent } from 'react';
import type * as Y from 'yjs';
import { useBlobUrl, type JobBlobs } from './job-blobs';

/** Props of {@link SignatureSection}. */
export interface SignatureSectionProps {
  doc: Y.Doc;
  blobs: JobBlobs;
}

/** The signature card of the job screen. */
export function SignatureSection({ doc, blobs }: SignatureSectionProps) {
  const signature = useJobRoot(doc, 'signature');
  const url = useBlobUrl(blobs, signature?.blob ?? null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const last = useRef<{ x: number; y: number } | null>(null);
  const [signer, setSigner] = useState('');
  const [drawn, setDrawn] = useState(false);
  const [redo, setRedo] = useState(false);

  const point = (e: PointerEvent<HTMLCanvasElement>) => {
    const c = e.currentTarget;
    const box = c.getBoundingClientRect();
    return { x: ((e.clientX - box.left) * c.width) / box.width, y: ((e.clientY - box.top) * c.height) / box.height };
  };
  const onDown = (e: PointerEvent<HTMLCanvasElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    last.current = point(e);
  };
  const onMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const ctx = e.currentTarget.getContext('2d');
    if (!last.current || !ctx) return;
    const p = point(e);
    ctx.lineWidth = 3;
    ctx.lineCap = 'round';
    ctx.strokeStyle = '#0d1b24';
    ctx.beginPath();
    ctx.moveTo(last.current.x, last.current.y);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    last.current = p;
    setDrawn(true);
  };
  const clear = () => {
    const c = canvas.current;
    c?.getContext('2d')?.clearRect(0, 0, c.width, c.height);
    setDrawn(false);
  };
  const save = async () => {
    const c = canvas.current;
    if (!c) return;
    const blob = await new Promise<Blob | null>((resolve) => c.toBlob(resolve, 'image/png'));
    if (!blob) return;
    await blobs.putSignature(new Uint8Array(await blob.arrayBuffer()), { signer: signer.trim(), mime: 'image/png' });
    setRedo(false);
    clear();
  };

  return (
    <section className="card signature" aria-labelledby="signature-title">
      <h2 id="signature-title">Customer signature</h2>
      {signature && !redo ? (
        <div className="stack">
          {url ? <img src={url} alt={`Signature of ${signature.signer || 'the customer'}`} /> : null}
          <p data-testid="signed">
            Signed by {signature.signer || 'the customer'} at {new Date(signature.signedAt).toLocaleString()}
          </p>
          <button type="button" className="small" onClick={() => setRedo(true)}>
            Sign again
          </button>
        </div>
      ) : (
        <div className="stack">
          <canvas
            ref={canvas}
            width={600}
            height={240}
            aria-label="Signature pad: sign with your finger"
            role="img"
            onPointerDown={onDown}
            onPointerMove={onMove}
            onPointerUp={() => (last.current = null)}
            onPointerCancel={() => (last.current = null)}
          />
          <div className="field">
            <label htmlFor="signer">Signer's name</label>
            <input id="signer" value={signer} onChange={(e) => setSigner(e.target.value)} autoComplete="name" />
          </div>
          <div className="row">
            <button type="button" onClick={clear}>
              Clear
            </button>
            <button type="button" className="primary grow" disabled={!drawn || !signer.trim()} onClick={() => void save()}>
              Save signature
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
