import { useEffect } from 'react';
import { BrowserRouter, Navigate, Outlet, Route, Routes, useLocation } from 'react-router';
import { BrandProvider } from './brand/brand';
import { AccountPage } from './features/account/AccountPage';
import { AgentsPage } from './features/agents/AgentsPage';
import { LoginPage, SignupPage } from './features/auth/AuthForm';
import { BusinessesPage } from './features/businesses/BusinessesPage';
import { CallDetailPage } from './features/calls/CallDetailPage';
import { CallsPage } from './features/calls/CallsPage';
import { ConversationDetailPage } from './features/conversations/ConversationDetailPage';
import { ConversationsPage } from './features/conversations/ConversationsPage';
import { KeysPage } from './features/keys/KeysPage';
import { NotFoundPage } from './features/NotFoundPage';
import { OverviewPage } from './features/overview/OverviewPage';
import { SecurityLogPage } from './features/security/SecurityLogPage';
import { TelephonyPage } from './features/telephony/TelephonyPage';
import { UsagePage } from './features/usage/UsagePage';
import { DeliveriesPage } from './features/webhooks/DeliveriesPage';
import { EventsPage } from './features/webhooks/EventsPage';
import { WebhooksPage } from './features/webhooks/WebhooksPage';
import { AppShell } from './layout/AppShell';
import { RequireBusiness } from './layout/RequireBusiness';
import { useBusinessFromQuery } from './layout/useBusinessFromQuery';
import { SessionProvider, useSession } from './session/session';
import { DataProvider, useData } from './state/data';
import { Spinner } from './ui/Spinner';
import { ToastProvider } from './ui/Toast';

export function App() {
  return (
    <BrowserRouter>
      <ToastProvider>
        <SessionProvider>
          <Routes>
            <Route element={<SignedOutOnly />}>
              <Route path="/login" element={<LoginPage />} />
              <Route path="/signup" element={<SignupPage />} />
            </Route>
            <Route element={<SignedInOnly />}>
              <Route element={<AppShell />}>
                <Route index element={<OverviewPage />} />
                <Route path="businesses" element={<BusinessesPage />} />
                <Route path="keys" element={<KeysPage />} />
                <Route path="account" element={<AccountPage />} />
                <Route path="security" element={<SecurityLogPage />} />
                <Route path="usage" element={<UsagePage />} />
                <Route element={<BusinessPages />}>
                  <Route path="agents" element={<AgentsPage />} />
                  <Route path="calls" element={<CallsPage />} />
                  <Route path="calls/:callId" element={<CallDetailPage />} />
                  <Route path="conversations" element={<ConversationsPage />} />
                  <Route
                    path="conversations/:conversationId"
                    element={<ConversationDetailPage />}
                  />
                  <Route path="webhooks" element={<WebhooksPage />} />
                  <Route path="webhooks/events" element={<EventsPage />} />
                  <Route path="webhooks/:webhookId" element={<DeliveriesPage />} />
                  <Route path="telephony" element={<TelephonyPage />} />
                </Route>
                <Route path="*" element={<NotFoundPage />} />
              </Route>
            </Route>
          </Routes>
        </SessionProvider>
      </ToastProvider>
    </BrowserRouter>
  );
}

function Checking() {
  return (
    <div className="boot">
      <Spinner size={28} label="Loading your dashboard" />
    </div>
  );
}

/** Once signed in, go where the visitor was headed before the login page. */
function SignedOutOnly() {
  const { state } = useSession();
  const location = useLocation();
  if (state.status === 'checking') return <Checking />;
  if (state.status === 'authenticated') {
    const from = (location.state as { from?: string } | null)?.from;
    return <Navigate to={from?.startsWith('/') ? from : '/'} replace />;
  }
  return <Outlet />;
}

/** Everything under it belongs to one user: switching user resets all cached data. */
function SignedInOnly() {
  const { state } = useSession();
  const location = useLocation();
  if (state.status === 'checking') return <Checking />;
  if (state.status === 'anonymous') {
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  }
  return (
    <DataProvider key={state.user.id}>
      <BrandProvider key={state.user.id}>
        <Outlet />
      </BrandProvider>
    </DataProvider>
  );
}

/** The pages of the business the switcher names (a `?business=` link switches to its own). */
function BusinessPages() {
  useBusinessFromQuery();
  const { businesses } = useData();
  useEffect(() => businesses.ensure(), [businesses.ensure]);
  return <RequireBusiness />;
}
