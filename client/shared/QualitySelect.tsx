import { QUALITY_LEVELS } from '../../protocol/plain';

type Quality = (typeof QUALITY_LEVELS)[number];

/** A select of the host's quality levels (auto, low, medium, high): the panel's wall setting and the preview's. */
export function QualitySelect({ value, onChange, ...rest }: { value: Quality; onChange: (q: Quality) => void; 'aria-label'?: string; 'data-testid'?: string }) {
  return (
    <select
      value={value}
      onChange={(e) => {
        const q = QUALITY_LEVELS.find((l) => l === e.target.value);
        if (q) onChange(q);
      }}
      {...rest}
    >
      {QUALITY_LEVELS.map((q) => (
        <option key={q} value={q}>
          {q}
        </option>
      ))}
    </select>
  );
}
