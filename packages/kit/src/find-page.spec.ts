import { findPage } from "./find-page";

describe("findPage", () => {
  it("finds the page's rows and counts them together, mapping each row", async () => {
    const find = jest.fn(async (page: { skip: number; take: number }) => [{ n: page.skip }, { n: page.take }]);
    const page = await findPage({ offset: 10, limit: 2 }, find, async () => 12, (row) => row.n * 2);
    expect(find).toHaveBeenCalledWith({ skip: 10, take: 2 });
    expect(page).toEqual({ items: [20, 4], total: 12 });
  });

  it("refuses a bad page before it queries", async () => {
    const find = jest.fn(async () => []);
    await expect(findPage({ limit: 0 }, find, async () => 0)).rejects.toMatchObject({ extensions: { field: "pagination.limit" } });
    expect(find).not.toHaveBeenCalled();
  });
});
