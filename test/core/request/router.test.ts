import { describe, expect, it } from 'vitest';
import { createRouter } from '../../../core/request/router.js';

describe('router', () => {
  const router = createRouter<string>();
  router.add('get', '/tasks', 'listTasks');
  router.add('post', '/tasks', 'createTask');
  router.add('get', '/tasks/{id}', 'getTask');
  router.add('get', '/tasks/mine', 'myTasks');
  router.add('get', '/tasks/{id}/notes/{noteId}', 'getNote');
  router.add('get', '/files/{name}.json', 'jsonFile');
  router.add('get', '/files/{name}', 'anyFile');
  router.add('get', '/', 'root');

  const find = (method: string, path: string) => router.find(method, path);

  it('prefers a static segment over a parameter', () => {
    expect(find('get', '/tasks/mine')).toEqual({ kind: 'found', match: { value: 'myTasks', params: {} } });
    expect(find('get', '/tasks/42')).toEqual({ kind: 'found', match: { value: 'getTask', params: { id: '42' } } });
  });

  it('matches several parameters and decodes them', () => {
    expect(find('get', '/tasks/a%20b/notes/7')).toEqual({ kind: 'found', match: { value: 'getNote', params: { id: 'a b', noteId: '7' } } });
  });

  it('matches partial-segment templates before whole-segment ones', () => {
    expect(find('get', '/files/report.json')).toEqual({ kind: 'found', match: { value: 'jsonFile', params: { name: 'report' } } });
    expect(find('get', '/files/report.txt')).toEqual({ kind: 'found', match: { value: 'anyFile', params: { name: 'report.txt' } } });
  });

  it('tells 405 (with the allowed methods) from 404', () => {
    expect(find('delete', '/tasks')).toEqual({ kind: 'method', allowed: ['GET', 'POST', 'HEAD'] });
    expect(find('get', '/nothing')).toEqual({ kind: 'none' });
    expect(find('get', '/tasks/1/notes')).toEqual({ kind: 'none' });
  });

  it('answers HEAD with the GET operation, the root, and one trailing slash', () => {
    expect(find('head', '/tasks')).toMatchObject({ kind: 'found', match: { value: 'listTasks' } });
    expect(find('get', '/')).toMatchObject({ kind: 'found', match: { value: 'root' } });
    expect(find('get', '/tasks/')).toMatchObject({ kind: 'found', match: { value: 'listTasks' } });
  });

  it('does not match an empty parameter', () => {
    expect(find('get', '/tasks//notes/1')).toEqual({ kind: 'none' });
  });

  it('keeps a malformed percent-encoding as it is (validation answers it)', () => {
    expect(find('get', '/tasks/%E0%A4%A')).toEqual({ kind: 'found', match: { value: 'getTask', params: { id: '%E0%A4%A' } } });
  });

  it('refuses a method declared twice for a path', () => {
    expect(() => router.add('get', '/tasks', 'again')).toThrow('GET /tasks is declared twice');
  });
});
