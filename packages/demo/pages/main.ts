// The portal's one script: define the mfakit elements and react to their events
// the way a host would.
import '@mfakit/elements';
import './portal.css';

document.addEventListener('mfa-verified', () => {
  // A page that asked for the second factor continues once it is given.
  if (document.body.dataset.reloadOnVerified === 'true') location.reload();
});
