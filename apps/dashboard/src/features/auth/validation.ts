/** Client-side checks mirroring the API's (the server checks again; its errors win). */

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkEmail(email: string): string | undefined {
  if (email.trim() === '') return 'Enter your email address.';
  if (!EMAIL.test(email.trim())) return 'Enter a valid email address, like ada@example.com.';
  return undefined;
}

export function checkNewPassword(password: string): string | undefined {
  if (password === '') return 'Choose a password.';
  if (password.length < 8) return 'Use at least 8 characters.';
  if (password.length > 256) return 'Use at most 256 characters.';
  return undefined;
}

export function checkName(name: string, what = 'your name'): string | undefined {
  if (name.trim() === '') return `Enter ${what}.`;
  if (name.trim().length > 100) return 'Use at most 100 characters.';
  return undefined;
}
