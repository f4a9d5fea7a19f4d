import { HashQueue } from './hash-queue';

describe('HashQueue', () => {
  it('admits one task per thread plus queueMax waiting, then refuses', () => {
    const queue = new HashQueue(2, 3);
    for (let i = 0; i < 5; i++) expect(queue.tryEnter()).toBe(true);
    expect(queue.waiting).toBe(3);
    expect(queue.running).toBe(2);
    expect(queue.tryEnter()).toBe(false);
    expect(queue.tryEnter()).toBe(false);
  });

  it('admits again as soon as a task leaves', () => {
    const queue = new HashQueue(1, 1);
    expect(queue.tryEnter()).toBe(true);
    expect(queue.tryEnter()).toBe(true);
    expect(queue.tryEnter()).toBe(false);
    queue.leave();
    expect(queue.waiting).toBe(0);
    expect(queue.tryEnter()).toBe(true);
    expect(queue.tryEnter()).toBe(false);
  });

  it('with queueMax 0, admits only what the threads run at once', () => {
    const queue = new HashQueue(1, 0);
    expect(queue.tryEnter()).toBe(true);
    expect(queue.tryEnter()).toBe(false);
  });

  it('never counts below zero', () => {
    const queue = new HashQueue(1, 0);
    queue.leave();
    expect(queue.tryEnter()).toBe(true);
    expect(queue.tryEnter()).toBe(false);
  });
});
