import type { KeyPermissions, ResourcePermission } from '@iqra/sdk';
import { useId } from 'react';
import { Button } from '../../ui/Button';
import { LEVELS, PRESETS, type PresetId, presetOf, RESOURCES } from './access';

/** None / Read / Write per resource (Write includes Read), with "Full access" and "Read only". */
export function PermissionsGrid({
  value,
  onChange,
}: {
  value: KeyPermissions;
  onChange: (permissions: KeyPermissions) => void;
}) {
  const name = useId();
  const preset = presetOf(value);
  return (
    <fieldset className="fieldset">
      <legend className="field-label">Permissions</legend>
      <div className="perm-presets">
        {(Object.keys(PRESETS) as PresetId[]).map((id) => (
          <Button
            key={id}
            size="sm"
            variant={preset === id ? 'primary' : 'secondary'}
            aria-pressed={preset === id}
            onClick={() => onChange({ ...PRESETS[id].permissions })}
          >
            {PRESETS[id].label}
          </Button>
        ))}
      </div>
      <table className="perm-grid">
        <thead>
          <tr>
            <th scope="col">Resource</th>
            {LEVELS.map((level) => (
              <th key={level.value} scope="col">
                {level.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {RESOURCES.map((resource) => (
            <tr key={resource.id}>
              <th scope="row">{resource.label}</th>
              {LEVELS.map((level) => (
                <td key={level.value}>
                  <input
                    type="radio"
                    name={`${name}-${resource.id}`}
                    aria-label={`${resource.label}: ${level.label}`}
                    checked={value[resource.id] === level.value}
                    onChange={() =>
                      onChange({ ...value, [resource.id]: level.value as ResourcePermission })
                    }
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="field-hint">Write includes read. A resource at None answers 403.</p>
    </fieldset>
  );
}
