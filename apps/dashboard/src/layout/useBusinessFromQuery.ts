import { useEffect } from 'react';
import { useSearchParams } from 'react-router';
import { useData } from '../state/data';

/**
 * A link from an account-level page (usage) names the business of what it points at
 * (`?business=biz_…`): switch to it, so the page shows that business's call.
 */
export function useBusinessFromQuery(): void {
  const [params] = useSearchParams();
  const { businesses, currentBusiness, selectBusiness } = useData();
  const wanted = params.get('business');
  useEffect(() => {
    if (!wanted || wanted === currentBusiness?.id) return;
    if (businesses.items.some((b) => b.id === wanted)) selectBusiness(wanted);
  }, [wanted, currentBusiness?.id, businesses.items, selectBusiness]);
}
