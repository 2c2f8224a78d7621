import { useEffect, useId } from 'react';
import { useData } from '../state/data';
import { ButtonLink } from '../ui/Button';
import { Icon } from '../ui/Icon';

/** Which business the dashboard is about: preselected in new keys, shown on the overview. */
export function BusinessSwitcher() {
  const { businesses, currentBusiness, selectBusiness } = useData();
  const id = useId();

  useEffect(() => businesses.ensure(), [businesses.ensure]);

  if (businesses.status === 'loading' || businesses.status === 'idle') {
    return <span className="switcher switcher-skeleton skeleton" aria-hidden="true" />;
  }
  if (businesses.status === 'error') {
    return (
      <button type="button" className="switcher switcher-error" onClick={businesses.reload}>
        <Icon name="warning" size={16} />
        <span>Businesses did not load — retry</span>
      </button>
    );
  }
  if (businesses.items.length === 0) {
    return (
      <ButtonLink to="/businesses" size="sm" icon="plus">
        Create a business
      </ButtonLink>
    );
  }
  return (
    <div className="switcher">
      <label htmlFor={id} className="switcher-label">
        <Icon name="building" size={16} />
        <span className="visually-hidden">Current business</span>
      </label>
      <select
        id={id}
        className="switcher-select"
        value={currentBusiness?.id ?? ''}
        onChange={(event) => selectBusiness(event.target.value)}
      >
        {businesses.items.map((business) => (
          <option key={business.id} value={business.id}>
            {business.name}
            {business.disabled ? ' (disabled)' : ''}
          </option>
        ))}
      </select>
      <Icon name="chevronDown" size={16} />
    </div>
  );
}
