import { usePageTitle } from '../../brand/brand';
import { PageHeader } from '../../layout/PageHeader';
import { KeyPolicyCard } from './KeyPolicyCard';
import { ProfileCard } from './ProfileCard';
import { WhitelabelCard } from './WhitelabelCard';

export function AccountPage() {
  usePageTitle('Account');
  return (
    <>
      <PageHeader
        title="Account"
        description="Your profile and how the dashboard presents your brand."
      />
      <div className="stack-lg">
        <ProfileCard />
        <WhitelabelCard />
        <KeyPolicyCard />
      </div>
    </>
  );
}
