import {
  type ActivityFacts,
  describeActivity,
  guessedWords,
  MAX_QUOTED_REASON,
} from './activity-text';

const facts = (fields: Partial<ActivityFacts>): ActivityFacts => ({
  action: 'application.approve',
  actorName: 'alice',
  fromStatus: null,
  toStatus: null,
  details: {},
  ...fields,
});

describe('describeActivity', () => {
  it('says who moved the application from which status to which', () => {
    expect(
      describeActivity(
        facts({ fromStatus: 'approval_pending', toStatus: 'approved', details: { comment: 'ok' } }),
      ),
    ).toEqual({
      title: 'Application approved',
      description: 'alice moved the application from approval_pending to approved',
    });
  });

  it('quotes the reason of a reject, return or withdrawal, cut when long', () => {
    expect(
      describeActivity(
        facts({
          action: 'application.reject',
          fromStatus: 'credit_check',
          toStatus: 'rejected',
          details: { reason: ' Income too low ' },
        }),
      ).description,
    ).toBe('alice moved the application from credit_check to rejected: "Income too low"');
    const long = 'x'.repeat(MAX_QUOTED_REASON + 10);
    const { description } = describeActivity(
      facts({
        action: 'application.return',
        fromStatus: 'submitted',
        toStatus: 'draft',
        details: { reason: long },
      }),
    );
    expect(description).toBe(
      `alice moved the application from submitted to draft: "${'x'.repeat(MAX_QUOTED_REASON - 1)}…"`,
    );
  });

  it('names a submit that went straight to initial_review by its statuses', () => {
    expect(
      describeActivity(
        facts({ action: 'application.submit', fromStatus: 'draft', toStatus: 'initial_review' }),
      ),
    ).toEqual({
      title: 'Application submitted',
      description: 'alice moved the application from draft to initial_review',
    });
  });

  it('describes a creation (no status before) by its verb', () => {
    expect(describeActivity(facts({ action: 'application.created', toStatus: 'draft' }))).toEqual({
      title: 'Application created',
      description: 'alice created the application',
    });
  });

  it('lists the fields of an update, the levels of a priority change, a reassigned reviewer', () => {
    expect(
      describeActivity(
        facts({
          action: 'application.updated',
          details: { fields: ['phone', 'requested_amount', 3] },
        }),
      ).description,
    ).toBe('alice updated phone, requested_amount');
    expect(
      describeActivity(facts({ action: 'application.updated', details: {} })).description,
    ).toBe('alice updated the application');
    expect(
      describeActivity(
        facts({
          action: 'application.priority',
          fromStatus: 'submitted',
          toStatus: 'submitted',
          details: { from: 'normal', to: 'urgent' },
        }),
      ),
    ).toEqual({
      title: 'Priority changed',
      description: 'alice changed the priority from normal to urgent',
    });
    expect(
      describeActivity(
        facts({
          action: 'application.assign_reviewer',
          fromStatus: 'credit_check',
          toStatus: 'credit_check',
        }),
      ),
    ).toEqual({ title: 'Reviewer assigned', description: 'alice assigned another reviewer' });
  });

  it('describes the events of the rest of the log', () => {
    expect(describeActivity(facts({ action: 'auth.login' }))).toEqual({
      title: 'Signed in',
      description: 'alice signed in',
    });
    expect(describeActivity(facts({ action: 'user.password_set' }))).toEqual({
      title: 'Password set',
      description: "alice set a user's password",
    });
  });

  it('calls an actor without a name "Someone"', () => {
    expect(
      describeActivity(facts({ action: 'auth.login_failed', actorName: null })).description,
    ).toBe('Someone failed to sign in');
    expect(describeActivity(facts({ action: 'auth.login', actorName: '  ' })).description).toBe(
      'Someone signed in',
    );
  });

  it('makes words of an action it does not know', () => {
    expect(describeActivity(facts({ action: 'branch.status_changed' }))).toEqual({
      title: 'Branch status changed',
      description: 'alice did: branch.status_changed',
    });
  });
});

describe('guessedWords', () => {
  it('has words even for an empty or odd action', () => {
    expect(guessedWords('')).toEqual(['Activity', 'did something']);
    expect(guessedWords('setting.initialized')).toEqual([
      'Setting initialized',
      'did: setting.initialized',
    ]);
  });
});
